"""Forms of the second half of the flow, one module per audience (public, office,
group): they parse input; the services decide."""
