"""The Django admin, for the system administrator only: users, organisations, teams.

Nothing about persons is registered here — no file, no item, no consent, no
disclosure: the admin cannot show them, whoever logs in. A system administrator
sees and manages only their own organisation; the superuser (created on the
command line) sees all organisations.
"""

from __future__ import annotations

from functools import wraps
from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from depositaire.messages import t
from depositaire.web.accounts import roles
from depositaire.web.accounts.models import Organisation, Team, User


def _is_sysadmin(request: HttpRequest) -> bool:
    user: Any = request.user
    return bool(
        user.is_active
        and (
            user.is_superuser or (user.role == roles.SYSADMIN and user.organisation_id is not None)
        )
    )


class DepositaireAdminSite(admin.AdminSite):
    site_header = t("web.admin.header")
    site_title = t("web.admin.title")
    index_title = t("web.admin.index")
    enable_nav_sidebar = False

    def has_permission(self, request: HttpRequest) -> bool:
        return _is_sysadmin(request)

    def admin_view(self, view: Any, cacheable: bool = False) -> Any:
        """A logged-in user without the right role gets 403, not the admin's login form."""
        inner = super().admin_view(view, cacheable)

        @wraps(inner)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
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

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        user: Any = request.user
        if db_field.name == "organisation" and not user.is_superuser:
            kwargs["queryset"] = Organisation.objects.filter(pk=user.organisation_id)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        user: Any = request.user
        if db_field.name == "teams" and not user.is_superuser:
            kwargs["queryset"] = Team.objects.filter(organisation_id=user.organisation_id)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        user: Any = request.user
        if not user.is_superuser and hasattr(obj, "organisation_id"):
            obj.organisation_id = user.organisation_id
        super().save_model(request, obj, form, change)


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


class UserChangeForm(forms.ModelForm):  # type: ignore[type-arg]
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


@admin.register(User, site=site)
class DepositaireUserAdmin(ScopedAdmin, UserAdmin):  # type: ignore[misc]
    list_display = ("username", "last_name", "first_name", "role", "organisation", "is_active")
    list_filter = ("role", "is_active")
    search_fields = ("username", "first_name", "last_name")
    filter_horizontal = ("teams",)
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (t("web.admin.identity"), {"fields": ("first_name", "last_name", "email")}),
        (
            t("web.admin.function"),
            {"fields": ("organisation", "role", "profession", "teams", "is_active")},
        ),
        (t("web.admin.dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"fields": ("username", "password1", "password2")}),
        (t("web.admin.function"), {"fields": ("organisation", "role", "profession", "teams")}),
    )
    readonly_fields = ("last_login", "date_joined")

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        from depositaire.web.views import journal

        super().save_model(request, obj, form, change)
        journal(
            request,
            "user_changed" if change else "user_created",
            target=f"user:{obj.pk}",
            details={"user_id": obj.pk, "role": obj.role or "none"},
        )
