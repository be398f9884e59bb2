"""The Django admin, for the system administrator only: users, organisations, teams.

Separation of duties: the administrator manages accounts but never acts as a user.
There is no page to set a password (only a one-time link sent to the user), and any
change of role or team (or of the address of an account that reads data) waits for a
second person's approval
(:class:`~depositaire.web.accounts.models.AccountChange`). Every act is journaled.

Nothing about persons is registered here — no file, no item, no consent, no
disclosure: the admin cannot show them, whoever logs in. A system administrator
sees and manages only their own organisation; the superuser (created on the
command line) sees all organisations.
"""

from __future__ import annotations

from functools import wraps
from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.templatetags.static import static
from django.urls import reverse
from django.utils.html import format_html

from depositaire.messages import lazy_t, t
from depositaire.web import fields
from depositaire.web.accounts import roles
from depositaire.web.accounts.models import Organisation, Team, User
from depositaire.web.fields import MAX_ID, SafeModelChoiceField, SafeModelMultipleChoiceField


def _is_sysadmin(request: HttpRequest) -> bool:
    user: Any = request.user
    verified = getattr(user, "is_verified", None)
    return bool(
        user.is_active
        and verified is not None
        and verified()
        and (
            user.is_superuser or (user.role == roles.SYSADMIN and user.organisation_id is not None)
        )
    )


class DepositaireAdminSite(admin.AdminSite):
    site_header = lazy_t("web.admin.header")
    site_title = lazy_t("web.admin.title")
    index_title = lazy_t("web.admin.index")
    enable_nav_sidebar = False

    def has_permission(self, request: HttpRequest) -> bool:
        return _is_sysadmin(request)

    def admin_view(self, view: Any, cacheable: bool = False) -> Any:
        """A logged-in user without the right role gets 403, not the admin's login form."""
        inner = super().admin_view(view, cacheable)

        @wraps(inner)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            verified = getattr(request.user, "is_verified", None)
            if request.user.is_authenticated and not (verified is not None and verified()):
                return redirect(f"{reverse('accounts:mfa')}?next={request.path}")
            if request.user.is_authenticated and not self.has_permission(request):
                raise PermissionDenied
            return inner(request, *args, **kwargs)

        return wrapper

    def login(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        """One login page for everyone: the application's (throttled, journaled)."""
        if request.user.is_authenticated:
            if self.has_permission(request):
                return redirect("admin:index")
            raise PermissionDenied
        return redirect_to_login(request.GET.get("next") or reverse("admin:index"))

    def password_change(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        """One page to change one's password: the application's (validators, sessions ended)."""
        return redirect("accounts:password_change")


site = DepositaireAdminSite(name="admin")


class ScopedAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Every permission granted to the system administrator, within their organisation only."""

    organisation_path = "organisation"

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        qs = super().get_queryset(request)
        user: Any = request.user
        if user.is_superuser:
            return qs
        return qs.filter(**{self.organisation_path: user.organisation_id})

    def has_module_permission(self, request: HttpRequest) -> bool:
        return _is_sysadmin(request)

    # Django's French titles say "Modification de utilisateur": ours come from the catalogue.
    def _title(self, step: str) -> str:
        return t(f"web.admin.titles.{self.model._meta.model_name}.{step}")

    def changeform_view(
        self,
        request: HttpRequest,
        object_id: str | None = None,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        step = "add" if object_id is None else "change"
        extra_context = {**(extra_context or {}), "title": self._title(step)}
        return super().changeform_view(request, object_id, form_url, extra_context)

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        extra_context = {**(extra_context or {}), "title": self._title("list")}
        return super().changelist_view(request, extra_context)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _is_sysadmin(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _is_sysadmin(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return _is_sysadmin(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(getattr(request.user, "is_superuser", False))

    def _get_obj_does_not_exist_redirect(
        self, request: HttpRequest, opts: Any, object_id: str
    ) -> Any:
        # Another organisation's object is answered like one that does not exist: 404.
        raise Http404

    def response_action(self, request: HttpRequest, queryset: QuerySet[Any]) -> Any:
        """Ids that are not database integers are dropped before Django filters on them
        (``pk__in=['abc']`` raised a 500, found by the property test); none left is
        Django's own "no item selected" message."""
        from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME

        selected = request.POST.getlist(ACTION_CHECKBOX_NAME)
        valid = [v for v in selected if v.isdigit() and int(v) <= MAX_ID]
        if valid != selected:
            post = request.POST.copy()
            post.setlist(ACTION_CHECKBOX_NAME, valid)
            request.POST = post  # type: ignore[assignment]
        return super().response_action(request, queryset)

    # An id no database integer holds is an invalid choice, not a 500 (property test).
    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        kwargs.setdefault("form_class", SafeModelChoiceField)
        user: Any = request.user
        if db_field.name == "organisation" and not user.is_superuser:
            kwargs["queryset"] = Organisation.objects.filter(pk=user.organisation_id)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        kwargs.setdefault("form_class", SafeModelMultipleChoiceField)
        user: Any = request.user
        if db_field.name == "teams" and not user.is_superuser:
            kwargs["queryset"] = Team.objects.filter(organisation_id=user.organisation_id)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        user: Any = request.user
        if not user.is_superuser and hasattr(obj, "organisation_id"):
            obj.organisation_id = user.organisation_id
        super().save_model(request, obj, form, change)
        if self.model is not User:
            _journal_admin(request, obj, "change" if change else "add", form)

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        _journal_admin(request, obj, "delete", None)
        super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        for obj in queryset:
            _journal_admin(request, obj, "delete", None)
        super().delete_queryset(request, queryset)


def _journal_admin(request: HttpRequest, obj: Any, flag: str, form: Any) -> None:
    from depositaire.web.views import journal

    fields = sorted(form.changed_data) if form is not None else []
    journal(
        request,
        "admin_action",
        target=f"{obj._meta.model_name}:{obj.pk}",
        details={"model": obj._meta.model_name, "flag": flag, "fields": fields},
    )


@admin.register(Organisation, site=site)
class OrganisationAdmin(ScopedAdmin):
    organisation_path = "pk"
    list_display = ("name", "kind")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return bool(getattr(request.user, "is_superuser", False))

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        admin.ModelAdmin.save_model(self, request, obj, form, change)


@admin.register(Team, site=site)
class TeamAdmin(ScopedAdmin):
    list_display = ("name", "organisation")


class UserChangeForm(fields.ModelForm):
    class Meta:
        model = User
        fields = (
            "username",
            "first_name",
            "last_name",
            "email",
            "organisation",
            "role",
            "profession",
            "teams",
            "is_active",
        )


class UserAddForm(fields.ModelForm):
    """A new account has no password: the user chooses it from the link sent to them."""

    class Meta:
        model = User
        fields = (
            "username",
            "first_name",
            "last_name",
            "email",
            "organisation",
            "role",
            "profession",
            "teams",
        )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["email"].required = True

    def save(self, commit: bool = True) -> Any:
        user = super().save(commit=False)
        user.set_unusable_password()
        if commit:
            user.save()
            self.save_m2m()
        return user


#: Roles that read persons' data (or extracts of it).
CONTENT_ROLES = frozenset(roles.ROLES) - {roles.DPO, roles.SYSADMIN}

#: Accounts whose address waits for approval: the reset link goes to it, so changing it
#: could hand over an account that reads persons' data, extracts or the journal.
ADDRESS_HELD_ROLES = CONTENT_ROLES | {roles.DPO}


@admin.register(User, site=site)
class DepositaireUserAdmin(ScopedAdmin, UserAdmin):  # type: ignore[misc]
    form = UserChangeForm
    add_form = UserAddForm
    list_display = ("username", "last_name", "first_name", "role", "organisation", "active")
    list_filter = ("role", "is_active")
    search_fields = ("username", "first_name", "last_name")
    filter_horizontal = ("teams",)
    fieldsets = (
        (None, {"fields": ("username",)}),
        (lazy_t("web.admin.identity"), {"fields": ("first_name", "last_name", "email")}),
        (
            lazy_t("web.admin.function"),
            {"fields": ("organisation", "role", "profession", "teams", "is_active")},
        ),
        (lazy_t("web.admin.dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"fields": ("username", "email", "first_name", "last_name")}),
        (lazy_t("web.admin.function"), {"fields": ("organisation", "role", "profession", "teams")}),
    )
    readonly_fields = ("last_login", "date_joined")
    actions = ["send_reset_link"]

    @admin.display(description=lazy_t("web.admin.active"), ordering="is_active")
    def active(self, obj: Any) -> str:
        """The admin's yes/no icon, its text in French (Django writes alt="True")."""
        icon, word = ("yes", "common.word_yes") if obj.is_active else ("no", "common.word_no")
        return format_html('<img src="{}" alt="{}">', static(f"admin/img/icon-{icon}.svg"), t(word))

    def get_urls(self) -> list[Any]:
        # No page sets a password: Django's "<id>/password/" is not served at all.
        return [u for u in super().get_urls() if "password" not in str(u.pattern)]

    def user_change_password(self, *args: Any, **kwargs: Any) -> HttpResponse:
        raise PermissionDenied

    @admin.action(description=lazy_t("security.reset.action"))
    def send_reset_link(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        from django.contrib import messages

        from depositaire.web.accounts.views import send_reset_link

        sent = 0
        for user in queryset:
            if user.pk == request.user.pk:
                continue
            sent += bool(send_reset_link(request, user))
        messages.info(request, t("security.reset.sent", count=sent))

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        """Saves what applies at once; a role, a team or (for an account that reads data) an
        address is held back, whatever the role, and waits for approval (:meth:`save_related`)."""
        from django.contrib import messages

        from depositaire.web.views import journal

        before = User.objects.filter(pk=obj.pk).first() if change else None
        role_before = before.role if before is not None else ""
        teams_before = sorted(before.teams.values_list("pk", flat=True)) if before else []
        role_after = obj.role
        email_before = before.email if before is not None else ""
        email_after = obj.email
        if role_after != role_before:
            obj.role = role_before  # every role change is applied only once approved
        email_held = (
            before is not None
            and email_after != email_before
            and (role_before in ADDRESS_HELD_ROLES or role_after in ADDRESS_HELD_ROLES)
        )
        if email_held:
            obj.email = email_before
        if not change:
            obj.set_unusable_password()
        super().save_model(request, obj, form, change)
        request._account_change = {  # type: ignore[attr-defined]
            "role_before": role_before,
            "role_after": role_after,
            "teams_before": teams_before,
            "email_after": email_after,
            "email_held": email_held,
            "self": obj.pk == request.user.pk,
        }
        journal(
            request,
            "user_changed" if change else "user_created",
            target=f"user:{obj.pk}",
            details={
                "user_id": obj.pk,
                "role": obj.role or "none",
                "role_before": role_before or "none",
                "role_after": obj.role or "none",
                "fields": sorted(form.changed_data),
            },
        )
        if not change and obj.email:
            from depositaire.web.accounts.views import send_reset_link

            send_reset_link(request, obj)
            messages.info(request, t("security.reset.sent", count=1))

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        from django.contrib import messages

        from depositaire.web.accounts.models import AccountChange
        from depositaire.web.views import journal

        super().save_related(request, form, formsets, change)
        info = getattr(request, "_account_change", None)
        if info is None:
            return
        obj = form.instance
        teams_wanted = sorted(obj.teams.values_list("pk", flat=True))
        teams_pending = teams_wanted != info["teams_before"]
        if teams_pending:
            # Adding or removing a team waits for the approval like a role.
            obj.teams.set(info["teams_before"])
        role_pending = info["role_after"] != obj.role
        email_pending = info["email_held"]
        if not (teams_pending or role_pending or email_pending):
            return
        details = {
            "user_id": obj.pk,
            "role_before": info["role_before"] or "none",
            "role_after": info["role_after"] or "none",
            "teams_before_ids": info["teams_before"],
            "teams_after_ids": teams_wanted,
            "email_changed": email_pending,
        }
        held = {"role"} if role_pending else set()
        held |= {"teams"} if teams_pending else set()
        held |= {"email"} if email_pending else set()
        saved = [f for f in form.changed_data if f not in held]
        request._account_held = True  # type: ignore[attr-defined]
        if info["self"]:
            journal(
                request, "account_change_refused_self", target=f"user:{obj.pk}", details=details
            )
            messages.error(request, t("security.approvals.self_refused"))
            messages.info(request, _saved_message(saved))
            return
        change_row = AccountChange.objects.create(
            user=obj,
            requested_by=request.user,
            role_before=info["role_before"],
            role_after=info["role_after"],
            teams_before=info["teams_before"],
            teams_after=teams_wanted,
            email_after=info["email_after"] if email_pending else "",
        )
        journal(
            request,
            "account_change_requested",
            target=f"user:{obj.pk}",
            details={**details, "change_id": change_row.pk},
        )
        items = []
        if role_pending:
            items.append(
                t(
                    "security.approvals.item_role",
                    before=_role_label(info["role_before"]),
                    after=_role_label(info["role_after"]),
                )
            )
        if teams_pending:
            items.append(
                t(
                    "security.approvals.item_teams",
                    before=_team_labels(info["teams_before"]),
                    after=_team_labels(teams_wanted),
                )
            )
        if email_pending:
            items.append(t("security.approvals.item_email", after=info["email_after"]))
        messages.warning(
            request,
            t(
                "security.approvals.pending",
                items=t("security.approvals.item_sep").join(items),
                head=t(f"web.roles.{roles.HEAD_SOCIAL_WORKER}"),
                president=t(f"web.roles.{roles.PRESIDENT}"),
            ),
        )
        messages.info(request, _saved_message(saved))

    def message_user(self, request: HttpRequest, message: Any, *args: Any, **kwargs: Any) -> None:
        # Django's "… a été modifié avec succès" would contradict what waits for approval:
        # save_related has said exactly what was saved and what waits.
        if getattr(request, "_account_held", False):
            return
        super().message_user(request, message, *args, **kwargs)


def _role_label(code: str) -> str:
    return t(f"web.roles.{code}") if code else t("labels.none")


def _team_labels(ids: list[int]) -> str:
    names = Team.objects.filter(pk__in=ids).order_by("name").values_list("name", flat=True)
    return ", ".join(names) or t("labels.none")


def _saved_message(fields: list[str]) -> str:
    if not fields:
        return t("security.approvals.nothing_saved")
    return t("security.approvals.saved", fields=", ".join(t(f"labels.field.{f}") for f in fields))
