"""Warnings about the glossary: terms it defines that no text uses, and lines dense with jargon it does not explain.

Both read the story files' text (comments left out) rather than the compiled text, so every
form a text can take (variants, alternatives, outcomes, words) counts, and nothing is rendered.
"""

from __future__ import annotations

import bisect
import re

from game.engine import Problem, Story
from game.engine.loader import display_path, story_files

DENSE = 3  # undefined jargon terms on one line that make it hard going for a newcomer

# Words a student new to the job is unlikely to know; a story's glossary.yaml adds to it under `jargon:`.
JARGON = frozenset(
    """
    kubectl kubernetes k8s kubelet pod pods helm daemonset namespace crashloopbackoff oomkilled oom
    terraform docker container containers nfs slurm sbatch scontrol cuda nccl dkms gpu gpus tpu tpus
    s3 gcs iam kms vpc vpn egress ingress dns tls ssh sso mfa sdk api apis yaml parquet avro etl elt
    dag dags airflow spark kafka dbt snowflake bigquery redshift databricks mlflow jupyter
    fillna dropna groupby auc roc mape rmse hyperparameter hyperparameters backfill idempotency
    idempotent sla slo slos p99 latency throughput quota autoscaler autoscaling gdpr dpo dpia pii
    pseudonymised pseudonymized pseudonymisation jira confluence okr okrs kpi kpis postmortem
    post-mortem runbook pagerduty on-call standup stand-up sprint backlog mlops devops finops llm
    embedding embeddings xgboost lightgbm pytorch tensorflow sklearn numpy pandas utc holdout
    """.split()
)
_COMMENT = re.compile(r"(?m)^[ \t]*#.*$")
_TOKEN = re.compile(r"[A-Za-z0-9][A-Za-z0-9./_-]*[A-Za-z0-9]|[A-Za-z0-9]")


def _story_texts(story: Story):
    """(shown path, text) for each story file, comment lines blanked (so line numbers stay)."""
    for path in story_files(story.root):
        try:
            text = path.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError):
            continue
        yield display_path(path), _COMMENT.sub("", text)


def glossary_warnings(story: Story) -> list[Problem]:
    """For a story with a glossary: terms no text uses, and lines with DENSE or more undefined jargon terms."""
    # a story without glossary.yaml gets neither: its writers have not taken up explaining terms, and
    # reading every line again would cost `check` a large story's worth of time
    glossary = story.glossary
    if glossary.path is None:
        return []
    jargon = JARGON | {w.lower() for w in glossary.jargon}
    out: list[Problem] = []
    used: set[str] = set()
    for shown, text in _story_texts(story):
        spans = glossary.find(text)
        used.update(tid for _, _, tid in spans)
        # the glossary's terms are explained, so they are blanked out before counting
        parts, pos = [], 0
        for start, end, _ in spans:
            parts += [text[pos:start], " " * (end - start)]
            pos = end
        rest = "".join([*parts, text[pos:]])
        per_line: dict[int, list[re.Match[str]]] = {}
        starts = [0] + [m.end() for m in re.finditer("\n", rest)]
        for m in _TOKEN.finditer(rest):
            if m.group(0).lower() in jargon:
                per_line.setdefault(bisect.bisect_right(starts, m.start()), []).append(m)
        for line, found in per_line.items():
            names = list(dict.fromkeys(m.group(0) for m in found))
            if len(names) >= DENSE:
                out.append(
                    Problem(
                        shown,
                        line,
                        found[0].start() - starts[line - 1] + 1,
                        f"this line has {len(names)} jargon terms a newcomer may not know, none explained in the "
                        f"glossary ({', '.join(names)}); define some in glossary.yaml, or say it more simply",
                        "warning",
                    )
                )
    for term in glossary.terms.values():
        if term.id not in used:
            out.append(
                Problem(
                    term.path,
                    term.line,
                    term.col,
                    f"glossary term {term.id!r} ({term.term}) is never used in the story's text; "
                    "remove it, or check its spelling and `also:` forms",
                    "warning",
                )
            )
    return out


__all__ = ["DENSE", "JARGON", "glossary_warnings"]
