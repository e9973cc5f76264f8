"""tests/robustness/data holds inputs that the robustness tests feed to specpy:
reproductions of fuzz findings are mutated library specs, and keep their
`# expect:` headers, which the spec plugin would otherwise collect as test items."""

collect_ignore_glob = ["data/*.spec"]
