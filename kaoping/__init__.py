"""kaoping, the application: the ``kaoping`` command line and everything that touches the
terminal or writes files (run folders, manifest and reproduce, Excel in and out, report.html,
plots and fonts). It calls the science (:mod:`models`) and the decisions (:mod:`optimizer`)."""
