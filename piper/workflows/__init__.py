"""Workflows: the factory that validates requests, the engine that runs them, and the task handlers.

Usage::

    factory = WorkflowFactory(db)
    planned = await factory.create("create_todo", {"todo": "Review the Q3 roadmap"})
    if isinstance(planned, ClarificationNeeded):
        ...  # ask planned.question; then factory.fill(planned, answer)
    else:
        workflow = await build_engine(db).run(planned)

Importing this package imports no SQLAlchemy; the modules that need it import it inside functions.
"""
