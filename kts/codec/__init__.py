"""Data codecs with Go's exact behaviour: YAML (sigs.k8s.io/yaml, go-yaml), JSON (encoding/json), TOML."""
