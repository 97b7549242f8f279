"""The example bank file and the stored model trained on it."""

from __future__ import annotations

from pathlib import Path

import pytest

from piper.domain.intent import Action
from piper.errors import PiperError
from piper.intent.bank import bank_fingerprint, load_examples, load_trained_bank, mask_entities
from piper.knowledge.embeddings import shared_model

SMALL_BANK = """# two actions
[list_todos]
show my todos
what's on my list
[create_todo]
add a todo to call Sam
remind me to book the room
"""


def test_bank_covers_every_action() -> None:
    actions = {example.action for example in load_examples()}

    assert actions == set(Action)


def test_bank_shipped_model_current() -> None:
    import numpy as np

    from piper.intent.bank import SHIPPED_MODEL_PATH

    with np.load(SHIPPED_MODEL_PATH, allow_pickle=False) as stored:
        assert str(stored["fingerprint"]) == bank_fingerprint(), "run: python -m piper.intent.bank"


def test_bank_rejects_unknown_action(tmp_path: Path) -> None:
    bank = tmp_path / "examples.txt"
    bank.write_text("[launch_rockets]\nfire\n", encoding="utf-8")

    with pytest.raises(PiperError, match="unknown action"):
        load_examples(bank)


def test_bank_trains_and_caches(tmp_path: Path, isolated_environment: Path) -> None:
    bank = tmp_path / "examples.txt"
    bank.write_text(SMALL_BANK, encoding="utf-8")
    examples = load_examples(bank)

    trained = load_trained_bank(shared_model(), examples, bank)

    assert trained.actions == [Action.LIST_TODOS, Action.CREATE_TODO]
    assert trained.vectors.shape == (4, 384)
    assert (isolated_environment / "data" / "cache" / "intent-model.npz").is_file()

    cached = load_trained_bank(shared_model(), examples, bank)
    assert (cached.weights == trained.weights).all()


def test_mask_entities_values() -> None:
    assert mask_entities('comment "ship it" on #42 in acme/web') == 'comment "it" on issue 1 in owner/repo'
    assert mask_entities("post in #eng") == "post in #channel"
