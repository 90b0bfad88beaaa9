"""Evaluate trending-term detection on a synthetic stream with injected bursts.

:func:`generate` builds a deterministic stream (``random.Random(seed)``) of enriched-looking posts:

- **Background.** Posts arrive as a Poisson process whose rate follows a daily cycle in
  Indonesian western time (UTC+7): lowest around 03:00, highest around 20:00 (about 10x the
  night rate), about 800 posts per hour on average. Each post has a language (mostly ``id``), a
  platform, an author (heavy-tailed), a few always-frequent terms with fixed probabilities
  (``#indonesia``, ``jakarta``, ``pemerintah``, ``warga``, the entity ``DKI Jakarta``: hundreds per
  hour at the evening peak), two to four keywords, sometimes a hashtag and an entity drawn from
  Zipf-distributed long tails (a few thousand terms), the watched terms at low rates, and three
  *drifting* terms whose rate grows about 1.6x a day (they must not alert). Narratives: most posts
  stand alone (their narrative is their own uid); small stories of a few to a few dozen posts
  spread over hours, some carrying a debunked claim; about 2 % of posts are fact-checks (they
  carry a claim but are debunks, not spreaders).
- **Bursts** (the truth), from the second day on (the first is the engines' warm-up): rare
  terms jumping (``burst``), never-seen hashtags and entities appearing (``new_term``), watched
  terms crossing their threshold (``watchlist``), and narratives with a debunked claim that were
  active a day or more earlier coming back (``hoax_resurfacing``). Sizes vary from just above the
  rules' minimum to hundreds per window; shapes are *sudden* (all within one window) or *ramp*
  (a quarter, a half, then the full size over three consecutive windows).
- **Delivery.** Posts are delivered in order of event time plus a delay: most within 20 s, 15 %
  up to 4 minutes (out of order, within the default 5-minute lateness), 0.1 % 7-25 minutes late
  (beyond the lateness: dropped and counted as late).

:func:`evaluate` matches alerts to bursts: an alert matches a burst when it names the burst's
term (kind and value) and its window starts within [start - 1 window, start + 4 windows].
Recall counts bursts with at least one matching alert; precision counts alerts matching some
burst (repeated alerts of one burst are all matches; every non-matching alert counts against
precision). The detection delay is from the burst's start to the first matching alert's event
time, in windows.
"""

from __future__ import annotations

import bisect
import math
import random
import statistics
import sys
from collections import Counter, defaultdict
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence


from enrichers.trends import DEFAULT_RULES, Alert, Rule, iso, load_rules, replay, to_epoch

T0 = datetime(2026, 11, 1, tzinfo=timezone.utc).timestamp()
WINDOW, HOP, LATENESS = 600, 300, 300

#: Relative post rate per local (UTC+7) hour.
CYCLE = (0.35, 0.25, 0.18, 0.15, 0.18, 0.35, 0.6, 0.85, 1.0, 1.05, 1.05, 1.1,
         1.15, 1.1, 1.05, 1.0, 1.0, 1.1, 1.3, 1.55, 1.7, 1.6, 1.2, 0.7)
BASE_RATE = 800 / (sum(CYCLE) / 24)  # posts per hour at cycle 1.0, so the mean is about 800/h
FREQUENT = (("hashtag", "indonesia", 0.30), ("keyword", "jakarta", 0.25), ("keyword", "pemerintah", 0.22),
            ("keyword", "warga", 0.2), ("entity", "DKI Jakarta", 0.15))
#: Watched terms (see rules.example.yaml) and their background rate, posts per hour on average.
WATCHED = (("keyword", "vaksin", 5.0), ("keyword", "bansos", 4.0), ("keyword", "kpu", 3.0),
           ("keyword", "gempa", 1.0), ("keyword", "tsunami", 0.2), ("hashtag", "tolakhoaks", 2.0))
DRIFT = (("keyword", "harga beras", 2.0), ("hashtag", "pilkada2026", 1.0), ("keyword", "banjir rob", 1.5))
DRIFT_PER_DAY = 1.6
PLATFORMS = (("facebook", 35), ("x", 30), ("telegram", 10), ("reddit", 5), ("news", 5), ("bluesky", 5),
             ("mastodon", 5), ("lapor", 5))
LANGUAGES = (("id", 70), ("en", 10), ("jv", 7), ("ms", 5), ("su", 3), ("bjn", 3), ("min", 2))
VERDICTS = ("HOAKS", "SALAH", "DISINFORMASI", "PENIPUAN")
_SYLLABLES = ("ba", "ka", "ma", "na", "sa", "ta", "ra", "la", "ga", "da", "pa", "ja", "wa", "ya", "ha",
              "bi", "ki", "mi", "ni", "si", "ti", "ri", "li", "gi", "di", "pu", "ku", "mu", "nu", "su",
              "tu", "ru", "lu", "gu", "du", "be", "ke", "me", "ne", "se", "te", "re", "le", "ge", "de",
              "bo", "ko", "mo", "no", "so", "to", "ro", "lo", "go", "do", "ng", "an", "in", "un", "ang")


def _word(rng: random.Random, syllables: int) -> str:
    return "".join(rng.choice(_SYLLABLES) for _ in range(syllables))


def _vocab(rng: random.Random, n: int, syllables: tuple[int, int], taken: set[str]) -> list[str]:
    out = []
    while len(out) < n:
        w = _word(rng, rng.randint(*syllables))
        if w not in taken:
            taken.add(w)
            out.append(w)
    return out


class _Zipf:
    """Draws from a list with weights 1 / (rank + 10) ** s."""

    def __init__(self, items: Sequence[str], s: float = 1.1):
        self.items = list(items)
        weights = [1.0 / (r + 10) ** s for r in range(len(items))]
        total = sum(weights)
        self.p = [w / total for w in weights]
        self.cum = []
        acc = 0.0
        for w in self.p:
            acc += w
            self.cum.append(acc)

    def draw(self, rng: random.Random) -> str:
        return self.items[min(bisect.bisect_left(self.cum, rng.random()), len(self.items) - 1)]


def _poisson(rng: random.Random, lam: float) -> int:
    if lam <= 0:
        return 0
    if lam > 50:
        return max(0, int(round(rng.gauss(lam, math.sqrt(lam)))))
    limit, k, p = math.exp(-lam), 0, rng.random()
    while p > limit:
        k += 1
        p *= rng.random()
    return k


def _weighted(rng: random.Random, choices) -> str:
    total = sum(w for _, w in choices)
    x = rng.random() * total
    for item, w in choices:
        x -= w
        if x < 0:
            return item
    return choices[-1][0]


def cycle(t: float) -> float:
    """The relative post rate at epoch time ``t`` (local hour in UTC+7, linearly interpolated)."""
    h = ((t / 3600.0) + 7) % 24
    i = int(h)
    f = h - i
    return CYCLE[i] * (1 - f) + CYCLE[(i + 1) % 24] * f


class _Generator:
    def __init__(self, seed: int, days: int):
        self.rng = random.Random(seed)
        self.days = days
        vocab_rng = random.Random(7919)  # the vocabulary is the same for every seed
        taken = {w for _, w, _ in FREQUENT} | {w for _, w, _ in WATCHED}
        self.keywords = _Zipf(_vocab(vocab_rng, 4000, (2, 4), taken))
        self.hashtags = _Zipf(_vocab(vocab_rng, 1500, (3, 5), taken))
        self.entities = _Zipf([w.capitalize() + " " + _word(vocab_rng, 2).capitalize()
                               for w in _vocab(vocab_rng, 800, (2, 3), taken)])
        self.fresh = _vocab(vocab_rng, 2000, (4, 6), taken)  # never in the background
        self.seq = 0
        self.posts: list[dict[str, Any]] = []
        self.truth: list[dict[str, Any]] = []
        self.claims = [{"id": f"claim-{i:03d}", "verdict": VERDICTS[i % len(VERDICTS)],
                        "url": f"https://cekfakta.example/{i}"} for i in range(200)]

    # -- posts
    def post(self, t: float, terms: Iterable[tuple[str, str]] = (), *, narrative: str | None = None,
             claim: dict | None = None, fact_check: bool = False, background: bool = True,
             language: str | None = None) -> dict[str, Any]:
        rng = self.rng
        self.seq += 1
        platform = _weighted(rng, PLATFORMS)
        uid = f"{platform}:{self.seq}"
        hashtags, entities, keywords = [], [], []
        bag = list(terms)
        if background:
            for kind, term, p in FREQUENT:
                if rng.random() < p:
                    bag.append((kind, term))
            for _ in range(rng.randint(2, 4)):
                bag.append(("keyword", self.keywords.draw(rng)))
            if rng.random() < 0.35:
                bag.append(("hashtag", self.hashtags.draw(rng)))
            if rng.random() < 0.4:
                bag.append(("entity", self.entities.draw(rng)))
        else:
            bag.append(("keyword", self.keywords.draw(rng)))
        for kind, term in bag:
            {"hashtag": hashtags, "entity": entities, "keyword": keywords}[kind].append(term)
        author = f"user{int(rng.paretovariate(1.1)) % 30000}"
        text = " ".join([*keywords, *("#" + h for h in hashtags), *entities])
        post = {"uid": uid, "platform": platform,
                "author": {"id": author, "handle": author, "followers": rng.randint(0, 5000)},
                "text": text, "created_at": iso(round(t, 3)),
                "language": {"code": language or _weighted(rng, LANGUAGES)},
                "hashtags": hashtags, "entities": [{"canonical": e, "label": "ORG"} for e in entities],
                "keywords": keywords, "narrative_id": narrative or uid}
        if claim is not None:
            post["claim"] = dict(claim)
        if fact_check:
            post["fact_check"] = {"verdict": claim["verdict"] if claim else "HOAKS"}
        self.posts.append(post)
        return post

    def background(self) -> None:
        rng = self.rng
        end = T0 + self.days * 86400
        t = T0
        watched_p = [(k, w, r / 800.0) for k, w, r in WATCHED]
        while t < end:
            lam = BASE_RATE * cycle(t) / 60.0
            day = (t - T0) / 86400.0
            drift_p = [(k, w, r * DRIFT_PER_DAY ** day / 800.0) for k, w, r in DRIFT]
            for _ in range(_poisson(rng, lam)):
                ts = t + rng.random() * 60
                extra = [(k, w) for k, w, p in watched_p if rng.random() < p]
                extra += [(k, w) for k, w, p in drift_p if rng.random() < p]
                if rng.random() < 0.02:
                    self.post(ts, extra, claim=rng.choice(self.claims), fact_check=True)
                else:
                    self.post(ts, extra)
            t += 60
        # Stories: a few to a few dozen posts spread over hours, 30 % carrying a debunked claim.
        for _ in range(int(self.days * 24 * 3)):
            start = T0 + rng.random() * self.days * 86400
            size = min(60, int(rng.paretovariate(1.3) * 4))
            claim = rng.choice(self.claims) if rng.random() < 0.3 else None
            founder = self.post(start, claim=claim)
            for _ in range(size - 1):
                self.post(start + rng.expovariate(1 / 7200), narrative=founder["uid"], claim=claim)

    # -- bursts
    def _spread(self, start: float, peak: int, shape: str) -> list[float]:
        rng = self.rng
        if shape == "sudden":
            return [start + rng.random() * WINDOW * 0.8 for _ in range(peak)]
        times = []
        for i, share in enumerate((0.25, 0.5, 1.0)):
            times += [start + i * WINDOW + rng.random() * WINDOW for _ in range(max(1, int(peak * share)))]
        return times

    def bursts(self) -> None:
        rng = self.rng
        busy: dict[str, float] = {}
        fresh = iter(self.fresh)
        for day in range(1, self.days):
            plan = ["burst"] * 3 + ["new_term"] * 2 + ["watchlist", "hoax_resurfacing"]
            for expected in plan:
                start = T0 + day * 86400 + rng.uniform(0.02, 0.95) * 86400
                shape = "ramp" if rng.random() < 0.3 else "sudden"
                if expected == "burst":
                    kind = rng.choice(("keyword", "keyword", "hashtag", "entity"))
                    zipf = {"keyword": self.keywords, "hashtag": self.hashtags, "entity": self.entities}[kind]
                    while True:
                        term = zipf.items[rng.randint(400, len(zipf.items) - 1)]
                        if busy.get(term, 0) < start - 2 * 86400:
                            break
                    peak = rng.choice((12, 14, 18, 25, 40, 60, 100, 250))
                elif expected == "new_term":
                    kind = rng.choice(("hashtag", "entity"))
                    word = next(fresh)
                    term = word if kind == "hashtag" else word.capitalize() + " Baru"
                    peak = rng.choice((17, 20, 30, 50, 120))
                elif expected == "watchlist":
                    kind, term, _ = rng.choice(WATCHED)
                    if busy.get(term, 0) > start - 2 * 86400:
                        continue
                    peak = rng.choice((10, 12, 15, 25))
                else:
                    kind = "narrative"
                    claim = rng.choice(self.claims)
                    term = f"x:hoax-{day}-{self.seq}"
                    earlier = max(T0 + 7200, start - rng.uniform(1.2, 3.0) * 86400)
                    self.post(earlier, claim=claim, narrative=term, language="id")
                    for _ in range(24):
                        self.post(earlier + rng.expovariate(1 / 5400), narrative=term, claim=claim)
                    peak = rng.choice((10, 14, 20, 40))
                busy[term] = start
                times = self._spread(start, peak, shape)
                for ts in times:
                    if kind == "narrative":
                        self.post(ts, narrative=term, claim=claim, background=False)
                    else:
                        self.post(ts, [(kind, term)], background=False,
                                  language="id" if rng.random() < 0.8 else None)
                self.truth.append({"term": term, "kind": kind, "start": iso(round(min(times), 3)),
                                   "expected": expected, "peak": peak, "shape": shape, "posts": len(times)})

    def delivered(self) -> list[dict[str, Any]]:
        rng = self.rng
        keyed = []
        for post in self.posts:
            r = rng.random()
            delay = rng.uniform(0, 20) if r < 0.85 else rng.uniform(20, 240) if r < 0.999 else rng.uniform(420, 1500)
            keyed.append((to_epoch(post["created_at"]) + delay, post["uid"], post))
        keyed.sort(key=lambda k: (k[0], k[1]))
        return [p for _, _, p in keyed]


def generate(seed: int, days: int = 7) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(posts in delivery order, truth): the synthetic stream described in the module docstring.
    Each truth item is ``{term, kind, start, expected, peak, shape, posts}``."""
    if days < 2:
        raise ValueError("days must be at least 2 (the first day is the warm-up)")
    gen = _Generator(seed, days)
    gen.background()
    gen.bursts()
    gen.truth.sort(key=lambda b: b["start"])
    return gen.delivered(), gen.truth


def _quantile(values: Sequence[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(q * len(ordered)) - 1))]


def evaluate(alerts: Sequence[Alert | Mapping[str, Any]], truth: Sequence[Mapping[str, Any]],
             window_seconds: int = WINDOW) -> dict[str, Any]:
    """Recall, precision and detection delay of ``alerts`` against ``truth`` (module docstring).

    Returns ``{bursts, alerts, detected, recall, matched_alerts, precision, delay_median,
    delay_p90, by_type: {expected: {bursts, detected}}, by_rule: {rule: {alerts, matched}},
    missed: [burst], false_alerts: [alert dict]}``; delays are in windows."""
    alerts = [a.to_dict() if isinstance(a, Alert) else dict(a) for a in alerts]
    by_term: dict[tuple[str, str], list[tuple[float, dict]]] = defaultdict(list)
    for burst in truth:
        by_term[(burst["kind"], burst["term"])].append((to_epoch(burst["start"]), burst))
    first: dict[int, float] = {}
    matched = 0
    false_alerts = []
    by_rule: dict[str, Counter] = defaultdict(Counter)
    for alert in alerts:
        key = (alert["term"]["kind"], alert["term"]["value"])
        ws = to_epoch(alert["window"]["start"])
        hit = False
        for start, burst in by_term.get(key, ()):
            if start - window_seconds <= ws <= start + 4 * window_seconds:
                hit = True
                delay = (to_epoch(alert["event_time"]) - start) / window_seconds
                first[id(burst)] = min(first.get(id(burst), math.inf), delay)
        by_rule[alert["rule"]]["alerts"] += 1
        if hit:
            matched += 1
            by_rule[alert["rule"]]["matched"] += 1
        else:
            false_alerts.append(alert)
    by_type: dict[str, Counter] = defaultdict(Counter)
    missed = []
    for burst in truth:
        by_type[burst["expected"]]["bursts"] += 1
        if id(burst) in first:
            by_type[burst["expected"]]["detected"] += 1
        else:
            missed.append(dict(burst))
    delays = [max(0.0, d) for d in first.values()]
    return {"bursts": len(truth), "alerts": len(alerts), "detected": len(first),
            "recall": len(first) / len(truth) if truth else 0.0, "matched_alerts": matched,
            "precision": matched / len(alerts) if alerts else 0.0,
            "delay_median": statistics.median(delays) if delays else None,
            "delay_p90": _quantile(delays, 0.9),
            "by_type": {k: dict(v) for k, v in sorted(by_type.items())},
            "by_rule": {k: dict(v) for k, v in sorted(by_rule.items())},
            "missed": missed, "false_alerts": false_alerts}


def format_report(report: Mapping[str, Any], *, details: int = 10) -> str:
    """The report as text: the headline figures, per type and rule, then missed bursts and false alerts."""
    def f(x):
        return "-" if x is None else f"{x:.2f}"

    lines = [f"bursts {report['bursts']}, detected {report['detected']}: recall {f(report['recall'])}",
             f"alerts {report['alerts']}, matching a burst {report['matched_alerts']}: "
             f"precision {f(report['precision'])}",
             f"detection delay (windows): median {f(report['delay_median'])}, p90 {f(report['delay_p90'])}"]
    for name, c in report["by_type"].items():
        lines.append(f"  {name:<17} bursts {c.get('bursts', 0):>3}  detected {c.get('detected', 0):>3}")
    for name, c in report["by_rule"].items():
        lines.append(f"  rule {name:<22} alerts {c.get('alerts', 0):>4}  matching {c.get('matched', 0):>4}")
    for burst in report["missed"][:details]:
        lines.append(f"  missed: {burst['expected']} {burst['kind']}:{burst['term']} at {burst['start']} "
                     f"peak {burst['peak']} {burst['shape']}")
    for alert in report["false_alerts"][:details]:
        lines.append(f"  false: {alert['window']['start']} {alert['message']}")
    return "\n".join(lines)


def run(seed: int, days: int, rules: Sequence[Rule]) -> dict[str, Any]:
    """Generate, replay with ``rules`` (10-minute windows, 5-minute hop, 5-minute lateness), evaluate.
    The report also holds ``posts``, ``late`` and ``state`` (record counts at the end, before flush)."""
    posts, truth = generate(seed, days)
    engines: list = []
    alerts = replay(posts, rules, window_seconds=WINDOW, hop_seconds=HOP, lateness_seconds=LATENESS,
                    engine_out=engines)
    report = evaluate(alerts, truth, WINDOW)
    report["posts"] = len(posts)
    report["late"] = engines[0].late
    report["state"] = engines[0].stats()
    return report


def main(seed: int = 0, days: int = 7, rules_path: Path | None = None) -> dict[str, Any]:
    """Generate with ``seed``, replay with the rules (default ``rules.example.yaml``), print the report."""
    rules = load_rules(rules_path or DEFAULT_RULES)
    report = run(seed, days, rules)
    print(f"seed {seed}, {days} days, {report['posts']} posts ({report['late']} late post-terms dropped)")
    print(format_report(report))
    return report






if __name__ == "__main__":  # python -m enrichers.trends_eval [seed] [days]
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 0, int(sys.argv[2]) if len(sys.argv) > 2 else 7)
