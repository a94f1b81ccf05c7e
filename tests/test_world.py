import pytest

from model.world import (GO_TO_DOOR, GO_TO_KEY, LEFT, OPEN, OPEN_DOOR, PICK, RIGHT, Layout, oracle_action,
                         oracle_episode, oracle_subgoal, start, step)


def test_moves_cost_a_step_and_walls_stop():
    s = start(Layout(0, 3, 9, 10))
    r = step(s, LEFT)
    assert r.event == "bumped" and r.state.agent == 0 and not r.done
    r = step(s, RIGHT)
    assert r.event == "moved" and r.state.agent == 1


def test_pick_only_on_key_cell_and_only_once():
    s = start(Layout(2, 3, 9, 10))
    assert step(s, PICK).event == "pick_failed"
    on_key = step(s, RIGHT).state
    held = step(on_key, PICK)
    assert held.event == "picked" and held.state.holding_key
    assert step(held.state, PICK).event == "pick_failed"


def test_door_opens_only_with_key_on_door_cell():
    s = start(Layout(8, 2, 9, 10))
    at_door = step(s, RIGHT).state
    assert step(at_door, OPEN).event == "locked"
    holding_elsewhere = at_door.__class__(at_door.layout, 8, True)
    assert step(holding_elsewhere, OPEN).event == "locked"
    opened = step(at_door.__class__(at_door.layout, 9, True), OPEN)
    assert opened.event == "opened" and opened.done


def test_invalid_layouts_are_rejected():
    for bad in [(3, 3, 9), (9, 2, 9), (0, 10, 9)]:
        with pytest.raises(ValueError):
            Layout(*bad, 10)


def test_oracle_subgoals_follow_the_task_order():
    lay = Layout(5, 2, 9, 10)
    s = start(lay)
    assert oracle_subgoal(s) == GO_TO_KEY and oracle_action(s) == LEFT
    holding = s.__class__(lay, 2, True)
    assert oracle_subgoal(holding) == GO_TO_DOOR and oracle_action(holding) == RIGHT
    assert oracle_subgoal(s.__class__(lay, 9, True)) == OPEN_DOOR
    assert oracle_action(s.__class__(lay, 2, False)) == PICK
    assert oracle_action(s.__class__(lay, 9, True)) == OPEN


@pytest.mark.parametrize("layout", [Layout(a, k, 9, 10) for a in range(9) for k in range(9) if a != k])
def test_oracle_is_optimal_and_succeeds(layout):
    episode = oracle_episode(layout)
    assert len(episode) == layout.optimal_steps
    s = start(layout)
    for state, _, action in episode:
        assert state == s
        r = step(s, action)
        s = r.state
    assert r.done


def test_mirror_moves_the_door_to_the_other_end():
    m = Layout(1, 4, 9, 10).mirrored()
    assert (m.agent, m.key, m.door) == (8, 5, 0)
    assert m.optimal_steps == Layout(1, 4, 9, 10).optimal_steps
    assert len(oracle_episode(m)) == m.optimal_steps
