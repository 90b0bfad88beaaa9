"""Training pantau's Indonesian NER model (``pantau train ner``) with spaCy's own training loop.

The labelled files (CoNLL or JSON Lines, see ``enrichers.ner_corpus``) are read, given case
variants (below), converted to spaCy ``DocBin`` files in a temporary directory and trained with
``spacy.cli.train.train`` and ``enrichers/data/ner/config.cfg``. The best model on the dev files
is then copied to the output directory with only what ``spacy.load`` needs.

By default the training data are the IndoNLU train splits of NERGrit (cased) and NER-P (all
lower-case news) shipped in ``data/ner/``, and the dev data their valid splits. Social-media
text comes both cased and lower-cased, so training adds, for each sentence:

- a lower-cased copy of every sentence that has capitals, and
- a case-restored copy of every all-lower-case sentence: entity words title-cased (acronyms
  such as ``KPK`` as seen in the cased sentences), other words in the form they most often have
  inside a cased sentence, and a capital at the start.

The result is reproducible for a given seed on the same machine and spaCy version.
"""

from __future__ import annotations

import argparse
import json
import logging
import shutil
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path
from typing import Iterable, Sequence

import spacy

from enrichers.ner_corpus import Example, read_examples, to_docbin

log = logging.getLogger(__name__)

HERE = Path(__file__).resolve().parent
DEFAULT_CONFIG = HERE / "data" / "ner" / "config.cfg"
DEFAULT_OUTPUT = HERE / "data" / "ner" / "model"
CORPUS_DIR = HERE.parent / "data" / "ner"
DEFAULT_TRAIN = (CORPUS_DIR / "indonlu-nergrit" / "train_preprocess.txt",
                 CORPUS_DIR / "indonlu-nerp" / "train_preprocess.txt")
DEFAULT_DEV = (CORPUS_DIR / "indonlu-nergrit" / "valid_preprocess.txt",
               CORPUS_DIR / "indonlu-nerp" / "valid_preprocess.txt")

# Files of a trained pipeline that spacy.load reads; anything else in model-best is left behind.
_MODEL_FILES = ("config.cfg", "meta.json", "tokenizer", "vocab", "tok2vec", "ner")
# Words left lower-case inside a case-restored entity ("Dinas Pendidikan dan Kebudayaan").
_LOWER_IN_NAMES = frozenset("dan di ke dari untuk atas dengan yang pada of the and de van der da".split())


@spacy.registry.callbacks("pantau.ner_tokenizer.v1")
def make_tokenizer_trimmer():
    """The ``[initialize.before_init]`` callback of the config: a faster Indonesian tokenizer.

    spaCy's Indonesian tokenizer keeps about 15,600 hyphenated words ("anak-anak", "Jawa-Bali")
    as special cases; matching them takes about half of the tokenizer's time. Dropping them splits
    such words at the hyphen (as NERGrit already does), which matters little for entities. The
    trimmed rules are saved with the model, so ``spacy.load`` needs no pantau code.
    """
    def trim(nlp):
        nlp.tokenizer.rules = {k: v for k, v in nlp.tokenizer.rules.items() if "-" not in k}
        return nlp

    return trim


def _has_upper(text: str) -> bool:
    return any(ch.isupper() for ch in text)


def learn_casing(examples: Iterable[Example], min_count: int = 2, min_share: float = 0.6) -> dict[str, str]:
    """Lower-cased word -> its usual form in the cased examples (words after the first only).

    A word is listed when one form has at least ``min_count`` occurrences and ``min_share`` of them.
    """
    counts: dict[str, Counter] = defaultdict(Counter)
    for example in examples:
        if _has_upper(example.text):
            for word in example.text.split(" ")[1:]:
                counts[word.lower()][word] += 1
    casing = {}
    for low, c in counts.items():
        form, n = c.most_common(1)[0]
        if n >= min_count and n >= min_share * sum(c.values()):
            casing[low] = form
    return casing


def restore_case(example: Example, casing: dict[str, str]) -> Example:
    """A cased copy of an all-lower-case example (see the module docstring); spans are unchanged."""
    inside = [False] * (len(example.text) + 1)
    for start, end, _ in example.spans:
        for i in range(start, end):
            inside[i] = True
    words, pos = [], 0
    for i, word in enumerate(example.text.split(" ")):
        known = casing.get(word)
        if inside[pos] and word not in _LOWER_IN_NAMES:
            new = known if known and _has_upper(known) else word[:1].upper() + word[1:]
        else:
            new = known or word
        if i == 0:
            new = new[:1].upper() + new[1:]
        words.append(new if len(new) == len(word) else word)
        pos += len(word) + 1
    return Example(" ".join(words), example.spans)


def case_variants(examples: Sequence[Example]) -> list[Example]:
    """The examples followed by their lower-cased and case-restored copies (module docstring)."""
    casing = learn_casing(examples)
    extra = []
    for example in examples:
        if _has_upper(example.text):
            lower = example.text.lower()
            if len(lower) == len(example.text):     # a few characters change length when lowered
                extra.append(Example(lower, example.spans))
        elif example.spans:
            restored = restore_case(example, casing)
            if restored.text != example.text:
                extra.append(restored)
    return [*examples, *extra]


def _replace_model(src: Path, dest: Path) -> None:
    """Copy the loadable parts of the spaCy pipeline ``src`` to ``dest``, replacing an older model."""
    if dest.exists():
        if any(dest.iterdir()) and not (dest / "config.cfg").exists():
            raise FileExistsError(f"{dest} exists and is not a spaCy model; not overwriting it")
        shutil.rmtree(dest)
    dest.mkdir(parents=True)
    for name in _MODEL_FILES:
        if (src / name).is_dir():
            shutil.copytree(src / name, dest / name)
        elif (src / name).exists():
            shutil.copy2(src / name, dest / name)
    _slim_strings(dest)


def _slim_strings(model_dir: Path) -> None:
    """Keep in ``vocab/strings.json`` only the strings a new pipeline has, plus the entity labels.

    spaCy saves every string seen in training (about 1 MB here). The model needs none of them:
    the embeddings hash the words, and a document adds its own strings when it is made.
    """
    labels = json.loads((model_dir / "meta.json").read_text(encoding="utf-8")).get("labels", {})
    keep = set(spacy.blank("id").vocab.strings)
    keep.update(label for names in labels.values() for label in names)
    path = model_dir / "vocab" / "strings.json"
    if path.exists():
        path.write_text(json.dumps(sorted(keep), ensure_ascii=False), encoding="utf-8")


def train(
    train_paths: Sequence[str | Path] | None = None,
    dev_paths: Sequence[str | Path] | None = None,
    output_dir: str | Path = DEFAULT_OUTPUT,
    config_path: str | Path = DEFAULT_CONFIG,
    *,
    max_epochs: int | None = None,
    seed: int = 0,
    augment: bool = True,
    overrides: dict | None = None,
) -> Path:
    """Train an NER model on labelled files and write it to ``output_dir``; return that path.

    ``train_paths`` and ``dev_paths`` default to the IndoNLU train and valid splits in
    ``data/ner/``. ``augment`` adds the case variants of the training sentences (not of the dev
    ones). ``max_epochs`` and ``overrides`` (dotted spaCy config keys) change the config.
    """
    from spacy.cli.train import train as spacy_train

    train_examples = [e for p in (train_paths or DEFAULT_TRAIN) for e in read_examples(p)]
    dev_examples = [e for p in (dev_paths or DEFAULT_DEV) for e in read_examples(p)]
    if not train_examples or not dev_examples:
        raise ValueError("no training or no dev examples")
    if augment:
        train_examples = case_variants(train_examples)
    nlp = make_tokenizer_trimmer()(spacy.blank("id"))     # the tokenizer the model will have
    settings = {"system.seed": seed}
    if max_epochs is not None:
        settings["training.max_epochs"] = max_epochs
    settings.update(overrides or {})
    with tempfile.TemporaryDirectory(prefix="pantau-ner-") as tmp:
        work = Path(tmp)
        to_docbin(train_examples, nlp).to_disk(work / "train.spacy")
        to_docbin(dev_examples, nlp).to_disk(work / "dev.spacy")
        settings.update({"paths.train": str(work / "train.spacy"), "paths.dev": str(work / "dev.spacy")})
        log.info("training on %d sentences, dev %d", len(train_examples), len(dev_examples))
        spacy_train(Path(config_path), work / "out", overrides=settings)
        _replace_model(work / "out" / "model-best", Path(output_dir))
    return Path(output_dir)


def main(argv: Sequence[str] | None = None) -> int:
    """Command line of :func:`train` (``python -m enrichers.ner_train --help``)."""
    parser = argparse.ArgumentParser(description="Train pantau's NER model (spaCy).")
    parser.add_argument("--train", action="append", metavar="FILE",
                        help="labelled training file, CoNLL or JSON Lines (repeatable; default: IndoNLU train splits)")
    parser.add_argument("--dev", action="append", metavar="FILE",
                        help="labelled dev file for choosing the best model (repeatable; default: IndoNLU valid splits)")
    parser.add_argument("--output", default=str(DEFAULT_OUTPUT), metavar="DIR", help="model directory (replaced)")
    parser.add_argument("--config", default=str(DEFAULT_CONFIG), help="spaCy training config")
    parser.add_argument("--max-epochs", type=int, default=None)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--no-augment", action="store_true", help="do not add case variants")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    start = time.perf_counter()
    out = train(args.train, args.dev, args.output, args.config,
                max_epochs=args.max_epochs, seed=args.seed, augment=not args.no_augment)
    print(f"model written to {out} in {time.perf_counter() - start:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
