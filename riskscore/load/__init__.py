"""Load: the only stage that reads files or YAML. Profiles, criteria sets, discovery, git refs,
and the diagnostics that turn every problem into `path:line: message`."""
