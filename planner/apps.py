from django.apps import AppConfig


class PlannerConfig(AppConfig):
    name = "planner"
    verbose_name = "Plans"

    def ready(self) -> None:
        from allauth.account.signals import email_confirmed, user_logged_in
        from allauth.mfa.signals import authenticator_added, authenticator_removed
        from django.contrib.auth.models import User
        from django.db.models.signals import m2m_changed, pre_save

        from exercises import in_use
        from kit import ids
        from planner.accounts import tokens, two_factors
        from planner.care import linking
        from planner.programs.versions import variations_programs_take

        in_use.register(variations_programs_take)
        ids.register()
        tokens.connect()
        email_confirmed.connect(linking.on_email_confirmed, dispatch_uid="invitations-reach")
        user_logged_in.connect(two_factors.on_signed_in, dispatch_uid="two-factors-sign-in")
        authenticator_added.connect(two_factors.on_factors_changed, dispatch_uid="2fa-added")
        m2m_changed.connect(
            two_factors.on_groups_changed, sender=User.groups.through, dispatch_uid="2fa-role"
        )
        pre_save.connect(two_factors.on_user_saving, sender=User, dispatch_uid="2fa-staff")
        authenticator_removed.connect(two_factors.on_factors_changed, dispatch_uid="2fa-removed")
