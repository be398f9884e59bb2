"""Production settings pass Django's deployment checks; the demo keeps its passwords."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest


def test_the_deployment_check_is_clean_with_production_settings(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "DEPOSITAIRE_PRODUCTION": "1",
        "DEPOSITAIRE_SECRET_KEY": secrets.token_urlsafe(60),
        "DEPOSITAIRE_ALLOWED_HOSTS": "example.org",
        "DEPOSITAIRE_DATA_DIR": str(tmp_path / "data"),
        "DEPOSITAIRE_KEY_DIR": str(tmp_path / "keys"),
    }
    for name in ("DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE", "DEPOSITAIRE_DATABASE_URL"):
        env.pop(name, None)
    result = subprocess.run(
        [sys.executable, "-m", "depositaire.web", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.django_db
def test_the_demo_creates_its_organisations_once_with_stable_private_passwords(
    settings, tmp_path: Path
) -> None:
    from depositaire.web import demo
    from depositaire.web.accounts.models import Organisation, User
    from depositaire.web.cases.models import InformationItem
    from depositaire.web.disclosures.models import Disclosure

    settings.DATA_DIR = tmp_path
    first = demo.ensure_demo_data()
    again = demo.ensure_demo_data()
    assert first == again and len(first) == len(demo.USERS)
    path = tmp_path / "demo-passwords.txt"
    assert path.stat().st_mode & 0o777 == 0o600
    assert Organisation.objects.filter(name__in=[demo.DEMO_ORG, demo.OTHER_ORG]).count() == 2
    assert {u.role for u in User.objects.filter(organisation__name=demo.DEMO_ORG)} >= {
        "social_worker",
        "head_social_worker",
        "president",
        "committee_member",
        "admin_staff",
        "dpo",
        "sysadmin",
    }
    assert (
        InformationItem.objects.filter(
            person__organisation__name=demo.DEMO_ORG, nature="confidence"
        ).count()
        == 1
    )
    committee = Disclosure.objects.get(person__organisation__name=demo.DEMO_ORG)
    assert committee.status == "sent" and committee.items.count() == 1
    user = User.objects.get(username="as.dupont")
    assert user.check_password(first["as.dupont"])
    banner = demo.banner("127.0.0.1", 8000, first)
    assert "http://127.0.0.1:8000/" in banner and first["comite.michel"] in banner
