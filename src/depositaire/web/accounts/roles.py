"""The roles of the CPAS circuit (seed 002) and what each one is, in the engine's words.

Each role sees only what its part of the circuit needs:

- ``social_worker``: the files of their team(s); their own confidences; prepares disclosures.
- ``head_social_worker``: the files of the teams they lead (never others' confidences);
  receives what is prepared for the preparation meeting of the special committee.
- ``president``: only the extracts prepared for urgent aid.
- ``committee_member``: only the extracts prepared for a session of the special committee.
- ``admin_staff``: only the extracts prepared for administrative staff.
- ``dpo``: the journal and the registers, never contents.
- ``sysadmin``: users, organisations, teams and settings, never persons' data.
"""

from __future__ import annotations

from typing import Final

SOCIAL_WORKER: Final = "social_worker"
HEAD_SOCIAL_WORKER: Final = "head_social_worker"
PRESIDENT: Final = "president"
COMMITTEE_MEMBER: Final = "committee_member"
ADMIN_STAFF: Final = "admin_staff"
DPO: Final = "dpo"
SYSADMIN: Final = "sysadmin"

ROLES: Final = (
    SOCIAL_WORKER,
    HEAD_SOCIAL_WORKER,
    PRESIDENT,
    COMMITTEE_MEMBER,
    ADMIN_STAFF,
    DPO,
    SYSADMIN,
)

#: Roles that work on persons' files (members of a team).
CASEWORKERS: Final = frozenset({SOCIAL_WORKER, HEAD_SOCIAL_WORKER})

#: The engine's ``holder.role`` for roles that are not caseworkers (caseworkers use their profession).
HOLDER_ROLE: Final = {
    PRESIDENT: "cpas_president",
    COMMITTEE_MEMBER: "cpas_council_member",
    ADMIN_STAFF: "cpas_admin_staff",
    DPO: "other",
    SYSADMIN: "other",
}

#: Professions a caseworker may exercise (engine ``holder.role`` values).
PROFESSIONS: Final = (
    "social_worker",
    "psychologist",
    "educator",
    "doctor",
    "nurse",
    "lawyer",
    "other",
)

#: The engine ``recipient.kind`` each role receives extracts as.
RECEIVES: Final = {
    PRESIDENT: "cpas_president",
    COMMITTEE_MEMBER: "cpas_special_committee",
    ADMIN_STAFF: "cpas_admin_staff",
    HEAD_SOCIAL_WORKER: "cpas_committee_preparation",
}

#: Organisation kinds (engine ``holder.institution`` values).
ORGANISATION_KINDS: Final = (
    "cpas",
    "youth_care",
    "pms_centre",
    "ambulatory_service",
    "hospital",
    "other",
)
