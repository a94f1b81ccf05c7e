import pytest

from core.settings import load_settings
from model.data import base_layouts, check_split, demonstrations, encode, split
from model.world import start


@pytest.fixture(scope="module")
def cfg():
    return load_settings()


def test_split_is_disjoint_counted_and_optimal(cfg):
    s = split(cfg)
    check_split(s, cfg)
    train = set(s.train) | {t.mirrored() for t in s.train}
    assert not train & set(s.heldout)
    assert len(s.train) == cfg.data.n_train
    assert len(s.heldout) == len(base_layouts(cfg.world.n_cells)) - cfg.data.n_train == 62


def test_split_check_catches_a_leak(cfg):
    s = split(cfg)
    leaky = s.__class__(s.train, s.heldout + [s.train[0]], s.showcase)
    with pytest.raises(AssertionError, match="overlap"):
        check_split(leaky, cfg)


def test_split_depends_on_seed_only(cfg):
    assert split(cfg) == split(cfg)
    other = load_settings(**{})
    other = other.__class__(seed=cfg.seed + 1, world=cfg.world, data=cfg.data, model=cfg.model, train=cfg.train)
    assert split(other).train != split(cfg).train


def test_mirrored_demonstrations_double_the_data(cfg):
    s = split(cfg)
    plain, mirrored = demonstrations(s.train, False), demonstrations(s.train, True)
    assert len(mirrored) == 2 * len(plain) == 2 * sum(lay.optimal_steps for lay in s.train)


def test_key_disappears_from_the_row_once_held(cfg):
    lay = split(cfg).heldout[0]
    s = start(lay)
    assert encode(s)[1 + lay.key, 1] == 1
    held = s.__class__(lay, lay.key, True)
    assert encode(held)[:, 1].sum() == 0 and encode(held)[:, 3].all()
