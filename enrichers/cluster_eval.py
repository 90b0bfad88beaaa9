"""Clustering metrics for narrative grouping: B-cubed and pairwise precision/recall/F1.

Both functions compare a *predicted* assignment ``{uid: cluster_id}`` with a *gold* one
``{uid: gold_key}``. Cluster ids are opaque: only which uids share an id matters, never the
names (a predicted ``n-17`` need not be called like its gold key).

Scope: the items are the uids present in ``gold``. A uid of ``gold`` missing from
``predicted`` counts as its own predicted singleton (an unassigned post has been grouped with
nothing); uids in ``predicted`` but not in ``gold`` are ignored.

B-cubed (Bagga and Baldwin, 1998; Amigo et al., 2009)
    For each item ``i`` with predicted cluster ``C(i)`` and gold cluster ``G(i)``:
    ``precision_i = |C(i) & G(i)| / |C(i)|`` (how much of what it was grouped with really
    belongs with it) and ``recall_i = |C(i) & G(i)| / |G(i)|`` (how much of what belongs with it
    it was grouped with). Precision and recall are the means over all items; F1 is their
    harmonic mean. Every item counts once, so big narratives weigh in proportion to their size
    and singletons count too: putting everything in one cluster gives recall 1 and low
    precision, leaving everything alone gives precision 1 and low recall (but not zero while
    gold has singletons).

Pairwise
    Every unordered pair of items in the same predicted cluster is a predicted link; every pair
    in the same gold cluster is a gold link. ``precision = correct links / predicted links``,
    ``recall = correct links / gold links``. Pairs grow with the square of cluster size, so the
    biggest clusters dominate, and singletons contribute nothing. By convention precision is 1.0
    when nothing is linked (no wrong link was made) and recall is 1.0 when gold has no link.

Both are computed from the sizes of the intersections of predicted and gold clusters (one
pass over the items, then one over the non-empty intersections), never by looping over
pairs, so 100,000 items take well under a second. With no items at all, every score is 1.0.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Iterable, Mapping

Scores = tuple[float, float, float]


def _f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r > 0 else 0.0


def _contingency(predicted: Mapping[str, str], gold: Mapping[str, str]):
    """(intersection sizes {(pred, gold): n}, predicted sizes, gold sizes) over gold's uids.

    A uid missing from ``predicted`` gets a private predicted cluster of its own (a key that
    no real cluster id can equal, since real ids are strings and this one is a tuple).
    """
    inter: Counter = Counter()
    for uid, g in gold.items():
        p = predicted.get(uid)
        key = ("\0missing", uid) if p is None else ("p", p)
        inter[(key, g)] += 1
    pred_size: Counter = Counter()
    gold_size: Counter = Counter()
    for (p, g), n in inter.items():
        pred_size[p] += n
        gold_size[g] += n
    return inter, pred_size, gold_size


def bcubed(predicted: Mapping[str, str], gold: Mapping[str, str]) -> Scores:
    """B-cubed ``(precision, recall, f1)`` of ``predicted`` against ``gold`` (see module doc)."""
    inter, pred_size, gold_size = _contingency(predicted, gold)
    total = len(gold)
    if total == 0:
        return 1.0, 1.0, 1.0
    # Each of the n items in an intersection scores n/|C| precision and n/|G| recall.
    p = sum(n * n / pred_size[pk] for (pk, _), n in inter.items()) / total
    r = sum(n * n / gold_size[gk] for (_, gk), n in inter.items()) / total
    return p, r, _f1(p, r)


def _pairs(n: int) -> int:
    return n * (n - 1) // 2


def pairwise(predicted: Mapping[str, str], gold: Mapping[str, str]) -> Scores:
    """Pairwise ``(precision, recall, f1)`` over same-cluster item pairs (see module doc)."""
    inter, pred_size, gold_size = _contingency(predicted, gold)
    correct = sum(_pairs(n) for n in inter.values())
    pred_links = sum(_pairs(n) for n in pred_size.values())
    gold_links = sum(_pairs(n) for n in gold_size.values())
    p = correct / pred_links if pred_links else 1.0
    r = correct / gold_links if gold_links else 1.0
    return p, r, _f1(p, r)


def gold_from_posts(posts: Iterable[Mapping], field: str = "narrative_gold") -> dict[str, str]:
    """``{uid: post[field]}`` for posts (dicts) that carry ``field``, e.g. data/eval/narratives.jsonl."""
    return {post["uid"]: post[field] for post in posts if post.get(field) is not None}


def _label(key) -> str:
    if isinstance(key, tuple):
        return f"(unassigned {key[1]})" if key[0] == "\0missing" else str(key[1])
    return str(key)


def format_report(predicted: Mapping[str, str], gold: Mapping[str, str], worst: int = 5,
                  title: str = "narrative grouping") -> str:
    """A plain-text report: both metrics, the counts, and the clusters that hurt most.

    Lists the ``worst`` gold clusters by B-cubed recall (narratives split apart: with their
    size and the sizes of the largest predicted pieces) and the ``worst`` predicted clusters
    by B-cubed precision (clusters mixing narratives: with their size and the gold keys they
    mix). Clusters scoring 1.0 are never listed.
    """
    inter, pred_size, gold_size = _contingency(predicted, gold)
    bp, br, bf = bcubed(predicted, gold)
    pp, pr, pf = pairwise(predicted, gold)
    missing = sum(1 for uid in gold if uid not in predicted)
    lines = [
        f"{title}: {len(gold)} items, {len(gold_size)} gold clusters "
        f"({sum(1 for n in gold_size.values() if n > 1)} with 2+ items), "
        f"{len(pred_size)} predicted clusters "
        f"({sum(1 for n in pred_size.values() if n > 1)} with 2+ items)"
        + (f", {missing} unassigned (counted as singletons)" if missing else ""),
        f"  B-cubed   precision {bp:.3f}  recall {br:.3f}  F1 {bf:.3f}",
        f"  pairwise  precision {pp:.3f}  recall {pr:.3f}  F1 {pf:.3f}",
    ]
    by_gold: dict = defaultdict(list)
    by_pred: dict = defaultdict(list)
    for (pk, gk), n in inter.items():
        by_gold[gk].append((n, pk))
        by_pred[pk].append((n, gk))

    g_recall = {gk: sum(n * n for n, _ in parts) / gold_size[gk] ** 2 for gk, parts in by_gold.items()}
    bad_gold = sorted((r, -gold_size[gk], str(gk)) for gk, r in g_recall.items() if r < 1.0)[:worst]
    if bad_gold:
        lines.append(f"  worst gold clusters by B-cubed recall (split apart):")
        for r, neg_size, gk in bad_gold:
            parts = sorted(by_gold[gk], key=lambda t: (-t[0], _label(t[1])))
            pieces = ", ".join(f"{n} in {_label(pk)}" for n, pk in parts[:4])
            more = f", +{len(parts) - 4} more" if len(parts) > 4 else ""
            lines.append(f"    {gk}: size {-neg_size}, recall {r:.3f}, {len(parts)} pieces: {pieces}{more}")
    p_prec = {pk: sum(n * n for n, _ in parts) / pred_size[pk] ** 2 for pk, parts in by_pred.items()}
    bad_pred = sorted((p, -pred_size[pk], _label(pk)) for pk, p in p_prec.items() if p < 1.0)[:worst]
    if bad_pred:
        lines.append(f"  worst predicted clusters by B-cubed precision (mixed):")
        label_to_key = {_label(pk): pk for pk in by_pred}
        for p, neg_size, lab in bad_pred:
            parts = sorted(by_pred[label_to_key[lab]], key=lambda t: (-t[0], str(t[1])))
            mix = ", ".join(f"{n} {gk}" for n, gk in parts[:4])
            more = f", +{len(parts) - 4} more" if len(parts) > 4 else ""
            lines.append(f"    {lab}: size {-neg_size}, precision {p:.3f}, mixes {mix}{more}")
    return "\n".join(lines)
