"""render: what an audit looks like to people (summary, HTML) and machines (JSON, claims)."""
