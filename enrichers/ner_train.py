"""Training pantau's Indonesian NER model (``pantau train ner``) with spaCy's own training loop.

The labelled files (CoNLL or JSON Lines, see ``enrichers.ner_corpus``) are read, given case
variants (below), converted to spaCy ``DocBin`` files in a temporary directory and trained with
``spacy.cli.train.train`` and ``enrichers/data/ner/config.cfg``. The best model on the dev files
is then copied to the output directory with only what ``spacy.load`` needs.

By default the training data are the IndoNLU train splits of NERGrit (cased) and NER-P (all
lower-case news) shipped in ``data/ner/``, and the dev data their valid splits. Social-media
text comes both cased and lower-cased and is full of mentions, hashtags, links and emoji, none
of them in the news corpora, so training adds (:func:`augment_examples`):

- a lower-cased copy of every sentence that has capitals, and
- for a quarter of the sentences, a copy with such tokens around it, outside any entity.

The result is reproducible for a given seed on the same machine and spaCy version.
"""

from __future__ import annotations

import argparse
import json
import logging
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Sequence

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
# Social-media tokens for the noisy copies; all of them are outside any entity.
_EMOJI = ("🙏", "😂", "🤣", "😡", "👍", "🔥", "😭", "🥲", "‼️", "🇮🇩")
_DOMAINS = ("bit.ly", "x.com", "t.co", "facebook.com", "youtu.be", "detik.com", "kompas.com",
            "kalselprov.go.id", "instagram.com", "blogspot.com")


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


def social_noise(example: Example, rng: random.Random) -> Example:
    """A copy of ``example`` with social-media tokens around it, none of them part of an entity.

    A mention may go before the sentence; hashtags (made of the sentence's own words, so that a
    place in a hashtag is not an entity), a URL and emoji may follow it.
    """
    words = [w for w in example.text.split(" ") if w.isalpha()] or ["info"]
    before, after = [], []
    if rng.random() < 0.5:
        before.append("@" + rng.choice(words).lower() + rng.choice(("", "_", "88", "_id", "2024")))
    for _ in range(rng.choice((0, 1, 1, 2))):
        after.append("#" + "".join(w.capitalize() for w in rng.sample(words, min(len(words), rng.choice((1, 2))))))
    if rng.random() < 0.4:
        after.append(f"https://{rng.choice(_DOMAINS)}/{rng.choice(words).lower()}{rng.randrange(100, 99999)}")
    if rng.random() < 0.4:
        after.append(rng.choice(_EMOJI) * rng.choice((1, 1, 2, 3)))
    rng.shuffle(after)
    if not before and not after:
        after.append(rng.choice(_EMOJI))
    prefix = " ".join(before) + " " if before else ""
    text = prefix + example.text + (" " + " ".join(after) if after else "")
    shift = len(prefix)
    return Example(text, tuple((s + shift, e + shift, label) for s, e, label in example.spans))


def augment_examples(examples: Sequence[Example], seed: int = 0, noisy_share: float = 0.25) -> list[Example]:
    """The examples, a lower-cased copy of each one that has capitals, and noisy copies of some.

    ``noisy_share`` of the examples (drawn with ``seed``) get a :func:`social_noise` copy, half of
    those lower-cased when the example has capitals.
    """
    rng = random.Random(seed)
    extra = []
    for example in examples:
        lower = None
        if _has_upper(example.text):
            text = example.text.lower()
            if len(text) == len(example.text):          # a few characters change length when lowered
                lower = Example(text, example.spans)
                extra.append(lower)
        if rng.random() < noisy_share:
            extra.append(social_noise(lower if lower and rng.random() < 0.5 else example, rng))
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
    _forget_paths(dest)


def _forget_paths(model_dir: Path) -> None:
    """Reset the training and dev paths in the model's config: they named a deleted temporary directory."""
    config = spacy.util.load_config(model_dir / "config.cfg", interpolate=False)
    config["paths"]["train"] = config["paths"]["dev"] = None
    config.to_disk(model_dir / "config.cfg")


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
    ``data/ner/``. ``augment`` adds the copies of :func:`augment_examples` to the training
    sentences (not to the dev ones). ``max_epochs`` and ``overrides`` (dotted spaCy config keys) change the config.
    """
    from spacy.cli.train import train as spacy_train

    train_examples = [e for p in (train_paths or DEFAULT_TRAIN) for e in read_examples(p)]
    dev_examples = [e for p in (dev_paths or DEFAULT_DEV) for e in read_examples(p)]
    if not train_examples or not dev_examples:
        raise ValueError("no training or no dev examples")
    if augment:
        train_examples = augment_examples(train_examples, seed=seed)
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
                        help="labelled dev file, to choose the best model (repeatable; default: IndoNLU valid splits)")
    parser.add_argument("--output", default=str(DEFAULT_OUTPUT), metavar="DIR", help="model directory (replaced)")
    parser.add_argument("--config", default=str(DEFAULT_CONFIG), help="spaCy training config")
    parser.add_argument("--max-epochs", type=int, default=None)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--no-augment", action="store_true", help="do not add lower-cased and noisy copies")
    args = parser.parse_args(argv)
    if not log.handlers:                # spaCy logs its own progress; show only ours besides
        log.addHandler(logging.StreamHandler())
        log.setLevel(logging.INFO)
    start = time.perf_counter()
    out = train(args.train, args.dev, args.output, args.config,
                max_epochs=args.max_epochs, seed=args.seed, augment=not args.no_augment)
    print(f"model written to {out} in {time.perf_counter() - start:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
