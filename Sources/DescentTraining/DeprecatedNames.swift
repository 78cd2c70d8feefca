// The names the training API had before it was renamed (0.2.0), kept so that code naming these types
// still builds, with a warning that names the new one. A pattern matching `.diverged` by its 0.2.0
// values does not: the case's values changed (CHANGELOG.md, 0.3.0). tests/consumer's OldNames
// target is code of that kind, built by CI.

/// What `TrainingRun.run` returns, under its former name.
@available(*, deprecated, renamed: "TrainingOutcome")
public typealias TrainingRunResult = TrainingOutcome

/// A run's error, under its former name; it now also carries the divergence.
@available(*, deprecated, renamed: "TrainingError")
public typealias TrainingRunError = TrainingError

/// What a run reports while it works, under its former name.
@available(*, deprecated, renamed: "TrainingProgress")
public typealias TrainingEvent = TrainingProgress
