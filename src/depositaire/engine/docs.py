"""Documentation generated from the rule base, so that it cannot drift from the code."""

from __future__ import annotations

from depositaire.engine.conditions import All, Any_, Condition, Leaf
from depositaire.engine.explain import describe_leaf, format_date, rule_title
from depositaire.engine.provisions import Provisions
from depositaire.engine.rules import Rule, RuleBase
from depositaire.messages import catalogue, current_language, t


def _condition(cond: Condition, depth: int = 0) -> list[str]:
    pad = "  " * depth
    if isinstance(cond, Leaf):
        return [f"{pad}- {describe_leaf(cond)}"]
    if not cond.parts:
        return []
    joiner = t("docs.all_of") if isinstance(cond, All) else t("docs.any_of")
    if isinstance(cond, All | Any_) and len(cond.parts) == 1:
        return _condition(cond.parts[0], depth)
    lines = [f"{pad}- {joiner}"]
    for part in cond.parts:
        lines.extend(_condition(part, depth + 1))
    return lines


def _validity(rule: Rule) -> str:
    start, end = rule.valid_from, rule.valid_until
    if start and end:
        return t("cli.between", start=format_date(start), end=format_date(end))
    if start:
        return t("cli.since", date=format_date(start))
    if end:
        return t("cli.until", date=format_date(end))
    return t("cli.always")


def rules_markdown(base: RuleBase, provisions: Provisions) -> str:
    """Every rule in examination order: what it concludes, when, on what, with which texts."""
    out = [f"# {t('docs.title')}", "", t("docs.generated", version=base.version), ""]
    for rule in base.ordered:
        out += [f"## `{rule.id}` — {rule_title(rule)}", ""]
        out.append(f"- {t('cli.col_kind')} : {t(f'cli.kinds.{rule.kind}')}")
        if rule.verdict:
            out.append(f"- {t('cli.col_verdict')} : {t(f'verdicts.{rule.verdict}.label')}")
        out.append(f"- {t('cli.col_validity')} : {_validity(rule)}")
        if rule.exception_to:
            out.append(
                f"- {t('docs.exception_to')} : {', '.join(f'`{r}`' for r in rule.exception_to)}"
            )
        if rule.defeats:
            out.append(f"- {t('docs.defeats')} : {', '.join(f'`{r}`' for r in rule.defeats)}")
        if rule.duties:
            out.append(f"- {t('cli.duties')} : {' ; '.join(t(f'duties.{d}') for d in rule.duties)}")
        out.append(f"- {t('docs.sources')} : {', '.join(rule.sources)}")
        out += ["", f"{t('docs.when')} :", ""]
        out += _condition(rule.scope) + _condition(rule.conditions)
        out += ["", f"{t('cli.col_citations')} :", ""]
        for key in rule.citations:
            for version in provisions.by_key.get(key, ()):
                start = format_date(version.valid_from) if version.valid_from else "…"
                end = format_date(version.valid_until) if version.valid_until else "…"
                out.append(f"- `{key}` — {version.label} ({start} → {end})")
        out.append("")
    out += [f"## {t('not_modelled.title')}", ""]
    for key, text in catalogue(current_language()).items():
        if key.startswith("not_modelled.items."):
            out.append(f"- {text}")
    out.append("")
    return "\n".join(out)


def coverage_markdown(base: RuleBase) -> str:
    """The coverage map: every normative statement of the sources, quoted, with what carries
    it or why it is not modelled (``law/coverage.yaml``)."""
    from depositaire.engine.coverage import default_coverage

    statements = default_coverage()
    modelled = [s for s in statements if s.modelled]
    out = [f"# {t('docs.coverage.title')}", "", t("docs.coverage.generated"), ""]
    out += [
        t(
            "docs.coverage.counts",
            total=len(statements),
            modelled=len(modelled),
            not_modelled=len(statements) - len(modelled),
            rules=len(base.rules),
        ),
        "",
    ]
    listed = [s for s in statements if s.issue is not None]
    if listed:
        out += [f"## {t('docs.coverage.issue_title')}", ""]
        for s in sorted(listed, key=lambda s: (s.issue or 0, s.id)):
            status = t(
                "docs.coverage.modelled" if s.modelled else "docs.coverage.status_not_modelled"
            )
            out.append(f"- {s.issue}. `{s.id}` — {s.where} : {status}")
        out.append("")
    source = None
    for s in statements:
        if s.source != source:
            source = s.source
            out += [f"## {t('docs.coverage.source', source=source)}", ""]
        out += [f"### `{s.id}` — {s.where}", "", f"> {s.quote}", ""]
        if s.rules:
            out.append(f"- {t('docs.coverage.rules')} : {', '.join(f'`{r}`' for r in s.rules)}")
        if s.facts:
            out.append(f"- {t('docs.coverage.facts')} : {', '.join(f'`{f}`' for f in s.facts)}")
        if s.fields:
            out.append(f"- {t('docs.coverage.fields')} : {', '.join(f'`{f}`' for f in s.fields)}")
        if s.not_modelled:
            out.append(
                f"- **{t('docs.coverage.not_modelled')}** : "
                f"{t(f'not_modelled.items.{s.not_modelled}')}"
            )
            if s.bears_on:
                shown = ", ".join(f"`{r}`" for r in s.bears_on)
                out.append(f"- {t('docs.coverage.bears_on')} : {shown}")
        out.append("")
    return "\n".join(out)
