// Code written against Descent 0.2.0's names, kept here so that CI proves what CHANGELOG.md promises:
// it still builds, with deprecation warnings that name the new names, and nothing worse. What no
// longer builds (matching `.diverged` by its 0.2.0 associated values) is listed in the CHANGELOG,
// under 0.3.0's "Changed", and is not here.
import Descent

/// Trains with the 0.2.0 spellings of the run's result, error and progress, and of the examples,
/// and returns the epochs it saw reported.
public func trainUnderOldNames(_ data: TrainingData, configuration: TrainingConfiguration) throws(TrainingRunError) -> (TrainingRunResult, [EpochReport]) {
    let run = try TrainingRun(configuration: configuration, data: data)
    var reports: [EpochReport] = []
    let result: TrainingRunResult = try run.run { (event: TrainingEvent) in
        if case .epochFinished(let report) = event { reports.append(report) }
    }
    return (result, reports)
}

/// One line for each of the run's errors, matched case by case under the old name of their type.
public func describe(_ error: TrainingRunError) -> String {
    switch error {
    case .configuration(let problem): return "configuration: \(problem)"
    case .data(let message): return "data: \(message)"
    case .checkpoint(let path, _): return "checkpoint: \(path)"
    default: return error.description  // .diverged, whose associated values changed (CHANGELOG.md)
    }
}

/// How many examples a split holds, under the old name of its type.
public func count(of examples: Examples) -> Int { examples.count }
