"""PMS centres: decree of 2006 on the missions of the psycho-medico-social centres, art. 12.

Source: 001 (« Il y donne la suite la plus adéquate et veille à assurer un retour
d'information au demandeur. L'analyse et la prise en charge de la demande se font dans le
respect du secret professionnel. »). A duty, not an opening: the feedback to the one who
asked stays within the secret (no confidence goes out under this rule).
"""

from __future__ import annotations

from depositaire.engine.conditions import is_
from depositaire.engine.package import Derives
from depositaire.engine.rules import Rule

pms_feedback = Rule(
    id="pms_feedback",
    kind="duty",
    instrument="pms_centres",
    scope=is_("holder.institution", "pms_centre", assume=False),
    conditions=is_("recipient.is_requester", True, assume=False),
    # A duty rule decides no verdict: it lets nothing out, confidences included.
    allows_confidences=False,
    duties=("give_feedback_to_requester",),
    citations=("pms_centres.decree_12",),
    sources=("001_fa6a8c0b420365de.txt",),
)

RULES = (pms_feedback,)

DERIVATIONS = (
    Derives(
        "holder.bound_by_secrecy",
        "holder.institution",
        {"pms_centre": (True, "pms_centre", ("pms_centres.decree_12",))},
    ),
)
