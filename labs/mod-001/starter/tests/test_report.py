from mlkit.report import class_balance, render


def test_class_balance():
    assert class_balance([1, 0, 1, 1]) == {0: 0.25, 1: 0.75}


def test_render_mentions_the_title():
    assert render([1, 0], [1, 0], title="baseline").startswith("baseline\n========")
