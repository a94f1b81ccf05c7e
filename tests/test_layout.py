"""The composition checks (scenes/layout.py) find what a viewer would: overlapping labels, an arrowhead on a label,
text outside the safe area, text or icons too small; and they ignore hidden things and declared stacks."""
import pytest

from core.context import CONTEXT_VAR, SceneContext, write_context


@pytest.fixture(scope="module")
def layout(tmp_path_factory):
    """scenes.layout, imported under a scene context (the style reads its theme from one)."""
    path = tmp_path_factory.mktemp("context") / "context.json"
    write_context(path, SceneContext(segment="06-task-intro", part="The task", part_segments=("06-task-intro",),
                                     seconds=5.0, script=None, marks={}, theme="dark", reduced_motion=False, seed=7,
                                     recording="build/model", links={}, paper={}))
    with pytest.MonkeyPatch.context() as env:
        env.setenv(CONTEXT_VAR, str(path))
        from scenes import layout
        yield layout


def kinds(layout, *mobjects) -> set[tuple[str, str]]:
    return {(kind, what) for kind, what, _ in layout.check(list(mobjects))}


def test_overlapping_labels_and_an_arrowhead_on_a_label_are_found(layout):
    from manim import RIGHT, Arrow
    from scenes.style import text
    a, b = text("Planner"), text("Doer").shift(RIGHT * 0.3)
    assert ("overlap", "'Doer' and 'Planner'") in kinds(layout, a, b)
    arrow = Arrow(RIGHT * 3, a.get_center(), buff=0)   # its head lands on the word
    assert ("overlap", "'Planner' and arrowhead") in kinds(layout, a, arrow)
    assert kinds(layout, a, b.shift(RIGHT * 3)) == set()


def test_outside_the_safe_area_and_too_small_are_found(layout):
    from manim import LEFT, DOWN
    from scenes.icons import key
    from scenes.style import text
    assert ("outside", "'Try it yourself'") in kinds(layout, text("Try it yourself").to_edge(LEFT, buff=0.1))
    assert ("outside", "'caption band'") in kinds(layout, text("caption band").to_edge(DOWN, buff=0.1))
    assert ("small", "'tiny'") in kinds(layout, text("tiny", 20))
    assert ("small", "key") in kinds(layout, key(0.2))
    assert kinds(layout, text("fine", 34), key(0.8).shift(DOWN * 2)) == set()


def test_hidden_items_and_declared_stacks_are_not_collisions(layout):
    from scenes.icons import key, person
    agent, gold = person(0.7), key(0.5)
    assert ("overlap", "key and person") in kinds(layout, agent, gold)
    assert kinds(layout, agent, gold.copy().set_opacity(0)) == set()
    assert kinds(layout, layout.stacks_on(agent.copy(), gold), gold) == set()
