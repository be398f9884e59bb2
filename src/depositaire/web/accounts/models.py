"""Organisations, teams, users with a role, and failed logins (for throttling)."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models

from depositaire.messages import lazy_t
from depositaire.web.accounts import roles


def _choices(prefix: str, values: tuple[str, ...]) -> list[tuple[str, str]]:
    return [(v, lazy_t(f"{prefix}.{v}")) for v in values]


class Organisation(models.Model):
    """One CPAS or service: its data is kept strictly apart from every other organisation's."""

    name = models.CharField(lazy_t("web.fields.name"), max_length=200, unique=True)
    kind = models.CharField(
        lazy_t("web.fields.organisation_kind"),
        max_length=40,
        choices=_choices("web.organisation_kinds", roles.ORGANISATION_KINDS),
        default="cpas",
    )

    class Meta:
        ordering = ["name"]
        verbose_name = lazy_t("web.models.organisation")
        verbose_name_plural = lazy_t("web.models.organisations")

    def __str__(self) -> str:
        return self.name


class Team(models.Model):
    """A team of social workers and their head; a person's file belongs to one team."""

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="teams",
        verbose_name=lazy_t("web.models.organisation"),
    )
    name = models.CharField(lazy_t("web.fields.name"), max_length=200)

    class Meta:
        ordering = ["organisation__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="team_unique_name")
        ]
        verbose_name = lazy_t("web.models.team")
        verbose_name_plural = lazy_t("web.models.teams")

    def __str__(self) -> str:
        return f"{self.name} ({self.organisation.name})"


class User(AbstractUser):
    """A member of an organisation with one role of the CPAS circuit."""

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="users",
        null=True,
        blank=True,
        verbose_name=lazy_t("web.models.organisation"),
    )
    role = models.CharField(
        lazy_t("web.fields.role"),
        max_length=40,
        choices=_choices("web.roles", roles.ROLES),
        blank=True,
    )
    profession = models.CharField(
        lazy_t("web.fields.profession"),
        max_length=40,
        choices=_choices("values.holder.role", roles.PROFESSIONS),
        default="social_worker",
    )
    teams = models.ManyToManyField(
        Team, blank=True, related_name="members", verbose_name=lazy_t("web.models.teams")
    )
    #: The language the user works in (``fr`` or ``nl``); empty: the browser's.
    language = models.CharField(
        lazy_t("web.language.field"),
        max_length=2,
        choices=[("fr", lazy_t("web.language.names.fr")), ("nl", lazy_t("web.language.names.nl"))],
        blank=True,
        default="",
    )

    class Meta:
        verbose_name = lazy_t("web.models.user")
        verbose_name_plural = lazy_t("web.models.users")

    def save(self, *args: object, **kwargs: object) -> None:
        # Only the system administrator reaches the (restricted) Django admin.
        self.is_staff = self.role == roles.SYSADMIN or self.is_superuser
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    @property
    def is_caseworker(self) -> bool:
        return self.role in roles.CASEWORKERS

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.username


class LoginFailure(models.Model):
    """One failed login, counted per username and per address within the throttling window."""

    username = models.CharField(max_length=150, db_index=True)
    address = models.GenericIPAddressField(null=True, blank=True, db_index=True)
    at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"login-failure:{self.pk}"


class AccountChange(models.Model):
    """A change that gives an account a content role or a team: applied only once a second
    person (the head social worker or the president of the organisation) approves it."""

    PENDING, APPROVED, REFUSED = "pending", "approved", "refused"

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="account_changes")
    requested_by = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="account_changes_requested"
    )
    role_before = models.CharField(max_length=40, blank=True)
    role_after = models.CharField(max_length=40, blank=True)
    teams_before = models.JSONField(default=list, blank=True)
    teams_after = models.JSONField(default=list, blank=True)
    #: A new e-mail address for an account with a content role ("" = unchanged).
    email_after = models.EmailField(blank=True)
    state = models.CharField(max_length=10, default=PENDING, db_index=True)
    decided_by = models.ForeignKey(
        User,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="account_changes_decided",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"account-change:{self.pk}"


class HashedSession(models.Model):
    """A session stored under the SHA-256 of its key: a copy of the database opens no session.

    ``user_id`` and the two dates let a user list and end their own sessions.
    """

    session_key = models.CharField(max_length=64, primary_key=True)
    session_data = models.TextField()
    expire_date = models.DateTimeField(db_index=True)
    user_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_seen = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-last_seen"]

    def __str__(self) -> str:
        return f"session:{self.session_key[:12]}"

    @classmethod
    def get_session_store_class(cls) -> type:
        from depositaire.web.accounts.sessions import SessionStore

        return SessionStore


class FormSubmission(models.Model):
    """A one-time form token that has been used (see :mod:`depositaire.web.once`).

    The unique ``token`` decides which of two posts of the same form wins: the second
    insert fails on both SQLite and PostgreSQL, whatever the timing. ``result_url`` is where
    the first post led (the record it created), so a repeat can be sent there."""

    token = models.CharField(max_length=64, unique=True)
    scope = models.CharField(max_length=100)
    user_id = models.BigIntegerField(null=True, blank=True)
    result_url = models.CharField(max_length=500, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    def __str__(self) -> str:
        return f"submission:{self.scope}"
