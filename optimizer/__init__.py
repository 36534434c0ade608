"""kaoping optimizer: the MILP over indicator pushes, its solvers, the CLI and run outputs."""
