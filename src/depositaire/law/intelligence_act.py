"""Intelligence services act (30 November 1998, art. 14 as amended 4 February 2010; art. 2 §2).

Source: 001 — the act lets public agents share but does not derogate from
art. 458 and carries no sanction: the secret prevails for those bound by it. For a
public agent bound only by discretion, art. 14 applies as written: « peuvent communiquer
d'initiative » (al. 1) and, at the service's request, « communiquent » (al. 2).
"""

from __future__ import annotations

from depositaire.engine.conditions import all_, is_, is_not
from depositaire.engine.rules import Rule
from depositaire.law._dates import INTELLIGENCE_ACT

INTELLIGENCE = is_("recipient.kind", "intelligence_service")
#: In play only for a holder not known to be bound by professional secrecy (for those who
#: are, `intelligence_request` says why the secret prevails).
NOT_KNOWN_BOUND = is_not("holder.bound_by_secrecy", True, assume=True)
#: Art. 14: « les autorités judiciaires, les fonctionnaires et les agents des services
#: publics (y compris des services de police) » — a civil servant bound only by discretion.
PUBLIC_AGENT_BOUND_BY_DISCRETION = all_(
    is_("holder.bound_by_secrecy", False),
    is_("holder.role", "civil_servant"),
)

intelligence_request = Rule(
    id="intelligence_request",
    kind="exception",
    instrument="intelligence_act",
    exception_to=("professional_secrecy",),
    verdict="secret",
    scope=INTELLIGENCE,
    conditions=is_("holder.bound_by_secrecy", True),
    # « la Loi du 30 novembre 1998 » (001): not before the day of the act (entry into force
    # not in the seeds, to verify); before it, art. 458 alone answers.
    valid_from=INTELLIGENCE_ACT,
    to_verify=("intelligence_act_entry_into_force",),
    citations=("intelligence_act.14", "intelligence_act.2_2"),
    sources=("001_fa6a8c0b420365de.txt",),
)

_COMMON = dict(
    kind="exception",
    instrument="intelligence_act",
    exception_to=("discretion_duty",),
    conditions=PUBLIC_AGENT_BOUND_BY_DISCRETION,
    # Art. 14 names « les informations utiles à l'exécution de ses missions »; the statute of
    # State agents (art. 10, 001) forbids revealing facts touching « au secret médical, aux
    # droits et libertés du citoyen, et notamment le droit à la protection de la vie privée »,
    # and art. 2 § 2 forbids the services to obtain data covered by a doctor's secret: no
    # confidence and no health data go out (our reading, to verify).
    allows_confidences=False,
    withheld=frozenset({"health"}),
    duties=("follow_authority_modalities", "transmit_only_useful_information"),
    # The seeds do not say whether the statute's discretion yields to art. 14: to verify.
    # Art. 14 belongs to « la Loi du 30 novembre 1998 » (001): not before the day of the act
    # (its entry into force, and the text of art. 14 before the law of 4 February 2010, are
    # not in the seeds: to verify); before it, the duty of discretion answers.
    valid_from=INTELLIGENCE_ACT,
    to_verify=("intelligence_discretion_only", "intelligence_act_entry_into_force"),
    citations=("intelligence_act.14", "civil_service.discretion"),
    sources=("001_fa6a8c0b420365de.txt",),
)

#: Art. 14, al. 2: « A la requête d'un service de renseignement et de sécurité, […] les
#: fonctionnaires et les agents des services publics […] communiquent […] les informations
#: utiles à l'exécution de ses missions ».
intelligence_communication_duty = Rule(
    id="intelligence_communication_duty",
    verdict="must_disclose",
    scope=all_(INTELLIGENCE, is_("request.kind", "informal_request"), NOT_KNOWN_BOUND),
    **_COMMON,  # type: ignore[arg-type]
)

#: Art. 14, al. 1: « les fonctionnaires et les agents des services publics […] peuvent
#: communiquer d'initiative au Service de renseignement et de Sécurité concerné les
#: informations utiles à l'exécution de ses missions ».
intelligence_communication_right = Rule(
    id="intelligence_communication_right",
    verdict="may_disclose",
    scope=all_(INTELLIGENCE, is_("request.kind", "own_initiative_report"), NOT_KNOWN_BOUND),
    **_COMMON,  # type: ignore[arg-type]
)

RULES = (intelligence_request, intelligence_communication_duty, intelligence_communication_right)
