from mlkit.config import get_threshold, load_config


def test_load_config_fills_defaults(tmp_path):
    path = tmp_path / "train.toml"
    path.write_text("[training]\nthreshold = 0.7\n")
    config = load_config(path)
    assert config["threshold"] == 0.7
    assert config["seed"] == 42
    assert get_threshold(config) == 0.7
