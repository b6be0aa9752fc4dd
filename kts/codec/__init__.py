"""Data codecs with Go's exact behaviour: YAML (sigs.k8s.io/yaml, go-yaml), JSON (encoding/json), TOML.

``yaml``       load_values / unmarshal / to_yaml / to_yaml_pretty / load_manifest_head (public face)
``yaml_load``  go-yaml v2 decoding (PyYAML's scanner and parser, adjusted to libyaml's rules)
``yaml_dump``  sigs.k8s.io/yaml.Marshal and go-yaml v3's encoder over ``yaml_emit``
``yaml_emit``  the libyaml emitter's block-style output (quoting, folding, block scalars)
``yaml_head``  Helm's SimpleHead parse of rendered manifests
``json``       encoding/json Marshal/MarshalIndent/Unmarshal
``toml``       BurntSushi/toml encoder and a tomllib-based decoder
``gofloat``    strconv float/int text
"""
