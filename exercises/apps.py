from django.apps import AppConfig


class ExercisesConfig(AppConfig):
    name = "exercises"

    def ready(self) -> None:
        # Receivers, each living with the code it serves: a media row's files are removed
        # with it; a variation's names per language are kept on its exercise on every change.
        from exercises import media, version_names  # noqa: F401
