from django.apps import AppConfig


class ExercisesConfig(AppConfig):
    name = "exercises"

    def ready(self) -> None:
        # A media row's files are removed with it: the receiver lives with the storing code.
        from exercises import media  # noqa: F401
