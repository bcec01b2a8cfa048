from django.apps import AppConfig


class PlannerConfig(AppConfig):
    name = "planner"
    verbose_name = "Plans"

    def ready(self) -> None:
        from exercises import in_use
        from kit import ids
        from planner.accounts import signals
        from planner.programs.versions import variations_programs_take

        in_use.register(variations_programs_take)
        ids.register()
        signals.connect()
