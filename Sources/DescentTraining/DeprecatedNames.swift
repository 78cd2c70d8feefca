// The names the training API had before it was renamed, kept so that code written against them
// still builds, with a warning that names the new one. See CHANGELOG.md.

/// What `TrainingRun.run` returns, under its former name.
@available(*, deprecated, renamed: "TrainingOutcome")
public typealias TrainingRunResult = TrainingOutcome

/// A run's error, under its former name; it now also carries the divergence.
@available(*, deprecated, renamed: "TrainingError")
public typealias TrainingRunError = TrainingError

/// What a run reports while it works, under its former name.
@available(*, deprecated, renamed: "TrainingProgress")
public typealias TrainingEvent = TrainingProgress
