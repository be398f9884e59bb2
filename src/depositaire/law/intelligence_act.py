"""Intelligence services act (30 November 1998, art. 14 as amended 4 February 2010; art. 2 §2).

Source: 001 — the act lets public agents share but does not derogate from
art. 458 and carries no sanction: the secret prevails.
"""

from __future__ import annotations

from depositaire.engine.conditions import is_
from depositaire.engine.rules import Rule

intelligence_request = Rule(
    id="intelligence_request",
    kind="exception",
    instrument="intelligence_act",
    exception_to=("professional_secrecy",),
    verdict="secret",
    scope=is_("recipient.kind", "intelligence_service"),
    conditions=is_("holder.bound_by_secrecy", True),
    # 001 concludes that the secret prevails « pour tous ceux qui y sont tenus »; for an agent
    # bound only by discretion art. 14 (« communiquent ») meets the statute's ban on revealing
    # facts touching private life, and the seeds do not say which prevails: to verify.
    to_verify=("intelligence_request_discretion_only",),
    citations=("intelligence_act.14", "intelligence_act.2_2"),
    sources=("001_fa6a8c0b420365de.txt",),
)

RULES = (intelligence_request,)
