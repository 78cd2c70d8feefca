import DescentDatasets
import DescentNetwork
import DescentTraining
import Foundation

/// What the training thread sends back: updates while it works, then how it ended (with a
/// fine-tuning's figures after, measured on that thread too).
enum JobMessage: Sendable {
    case update(TrainingUpdate)
    case outcome(Result<TrainingOutcome, TrainingError>, fineTune: FineTuneFigures?)
}

/// What a job's model replaces when it finishes: the served model, or one student's copy.
enum JobTarget: Sendable, Equatable {
    case served
    case copy(String)
}

/// The running job: how to stop it, what it replaces, and a fine-tuning's digits and figures.
struct RunningJob: Sendable {
    let stop: StopFlag
    let target: JobTarget
    let fineTuning: (digits: LabeledImages, figures: FineTuneFigures)?
}

/// Places in the training queue kept for jobs still being prepared: the teacher's one, and the students'.
struct ReservedSlots: Sendable {
    var served = false
    var students = 0

    var isTaken: Bool { served || students > 0 }
}

/// A job waiting for the running one.
struct QueuedJob: Sendable {
    let run: TrainingRun
    let status: TrainingStatus
    let target: JobTarget
    let fineTuning: (digits: LabeledImages, figures: FineTuneFigures)?
}

/// Trainings: one runs at a time on a thread of its own, at most `limits.maximumQueuedTrainings` wait.
extension ExplorerState {
    /// The newest events a slow event-stream client is kept; older ones are dropped for it.
    static let eventBuffer = 64
    /// The most finished jobs' statuses kept for `GET /api/train?id=N`.
    static let recentJobLimit = 64

    /// The current or last job, or job `id` (running, waiting, or among the last finished).
    func trainingStatus(id: Int? = nil) -> TrainingStatus? {
        guard let id else { return job }
        return recentJobs[id]
    }

    /// Starts, or queues, a training of a new network that replaces the served model when it finishes.
    /// The job is the library's `TrainingRun`, as `descent train` runs it: the same configuration and
    /// seed give the same model.
    /// - Throws: `APIError` (422) beyond `limits`, (429) when the queue is full, (400) for data the
    ///   configuration cannot train on.
    /// With `target` `.copy(id)` (the Lesson page's training), the new network replaces that copy instead.
    func startTraining(_ configuration: TrainingConfiguration, trainingLimit: Int?, target: JobTarget = .served) throws -> TrainingStatus {
        let training = trainingLimit.map { data.training.prefix($0) } ?? data.training
        try limits.check(configuration, trainingCount: training.count)
        try checkQueue(for: target)
        let run: TrainingRun
        do {
            run = try TrainingRun(configuration: configuration,
                                  data: TrainingData(name: data.name, training: training, validation: data.validation, test: data.test))
        } catch {
            throw APIError.badRequest(error.description.replacingOccurrences(of: "--", with: ""))
        }
        let status = TrainingStatus(
            id: 0, state: .running, sizes: configuration.sizes, learningRate: configuration.learningRate,
            batchSize: configuration.batchSize, epochs: configuration.epochs, trainingCount: training.count,
            initialValidationAccuracy: nil)
        var started = submit(run, status: status, target: target, fineTuning: nil)
        if case .copy(let id) = target { started.session = id }
        return started
    }

    /// Refuses a new job when one runs and the queue is full. A job for the served model (the
    /// teacher's) has a place of its own at the head of the queue, so that students' fine-tunings never
    /// keep the teacher waiting; one such job may wait at a time.
    /// - Throws: `APIError` (429) saying how many wait.
    func checkQueue(for target: JobTarget) throws(APIError) {
        guard running != nil || reservedSlots.isTaken else { return }
        if target == .served {
            guard queue.first?.target != .served, !reservedSlots.served else {
                throw APIError(.tooManyRequests, "a training of the served model already waits; try again when it has started", retryAfter: 10)
            }
            return
        }
        let waiting = queue.filter({ $0.target != .served }).count + reservedSlots.students
        if waiting >= limits.maximumQueuedTrainings {
            throw APIError(.tooManyRequests, "a training is running and \(waiting) wait, the most this server queues "
                + "(descent serve --training-queue); try again when one has finished", retryAfter: 10)
        }
    }

    /// Trainings running (0 or 1) and waiting, for `/metrics`.
    func trainingLoad() -> (running: Int, waiting: Int) {
        (running == nil ? 0 : 1, queue.count + reservedSlots.students + (reservedSlots.served ? 1 : 0))
    }

    /// Keeps a place in the queue for a job still being prepared (a fine-tuning mixing its images), so
    /// that its preparation is paid only once it is admitted; `submit` or `releaseQueueSlot` gives it back.
    /// - Throws: `APIError` (429) as `checkQueue`.
    func reserveQueueSlot(served: Bool) throws(APIError) {
        try checkQueue(for: served ? .served : .copy(""))
        if served { reservedSlots.served = true } else { reservedSlots.students += 1 }
    }

    /// Gives back a place `reserveQueueSlot` kept.
    func releaseQueueSlot(served: Bool) {
        if served { reservedSlots.served = false } else { reservedSlots.students = max(0, reservedSlots.students - 1) }
    }

    /// Starts `run` now when nothing runs, or queues it; the caller has checked the queue.
    /// - Returns: The job's status, with its id: running or queued.
    func submit(_ run: TrainingRun, status: TrainingStatus, target: JobTarget,
                fineTuning: (digits: LabeledImages, figures: FineTuneFigures)?) -> TrainingStatus {
        var status = status
        lastJobID += 1
        status.id = lastJobID
        guard running == nil else {
            status.state = .queued
            let job = QueuedJob(run: run, status: status, target: target, fineTuning: fineTuning)
            // The served model's job goes first; the others in order.
            if target == .served { queue.insert(job, at: 0) } else { queue.append(job) }
            let position = queue.firstIndex { $0.status.id == status.id } ?? queue.count - 1
            status.message = "waiting for \(position + 1) training\(position == 0 ? "" : "s") before it"
            queue[position] = QueuedJob(run: run, status: status, target: target, fineTuning: fineTuning)
            remember(status)
            return status
        }
        return begin(run, status: status, target: target, fineTuning: fineTuning)
    }

    /// Starts `run` as the job `status` describes, on a thread of its own.
    private func begin(_ run: TrainingRun, status: TrainingStatus, target: JobTarget,
                       fineTuning: (digits: LabeledImages, figures: FineTuneFigures)?) -> TrainingStatus {
        var run = run
        run.threads = 1  // The other core keeps answering requests.
        run.modelMetadata["trained_by"] = "descent serve"
        var status = status
        status.state = .running
        status.message = nil
        job = status
        remember(status)
        jobEvents = []
        lastProgress = nil
        let stop = StopFlag()
        running = RunningJob(stop: stop, target: target, fineTuning: fineTuning)
        publish(.started(status))
        launch(run, stop: stop, fineTuning: fineTuning)
        return status
    }

    /// Keeps `status` under its id, dropping the oldest beyond `recentJobLimit`.
    private func remember(_ status: TrainingStatus) {
        recentJobs[status.id] = status
        if recentJobs.count > Self.recentJobLimit, let oldest = recentJobs.keys.min() { recentJobs[oldest] = nil }
    }

    /// The nice value of a training's thread: with both cores busy, requests (a class drawing and
    /// predicting) get about nine tenths of a core to its one tenth; on an idle machine it still has a
    /// whole core.
    static let trainingNice: Int32 = 10

    /// Runs the training on a thread of its own, outside Swift's cooperative pool and at a lower
    /// priority (`trainingNice`), and feeds its events back.
    private func launch(_ run: TrainingRun, stop: StopFlag, fineTuning: (digits: LabeledImages, figures: FineTuneFigures)?) {
        let (messages, continuation) = AsyncStream<JobMessage>.makeStream()
        let thread = Thread {
            #if os(Linux)
            // who 0: the calling thread alone (Linux keeps a nice value per thread), which ends with the job.
            _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, Self.trainingNice)
            #endif
            let outcome = Result { () throws(TrainingError) -> TrainingOutcome in
                try run.run { event in
                    switch event {
                    case .started(_, let accuracy): continuation.yield(.update(.initial(validationAccuracy: accuracy)))
                    case .progress(let epoch, let done, let total): continuation.yield(.update(.progress(epoch: epoch, done: done, total: total)))
                    case .epochFinished(let report): continuation.yield(.update(.epoch(EpochSummary(report))))
                    case .networkAfterEpoch: break  // The page shows the new model once training ends.
                    }
                } shouldStop: { stop.isStopped }
            }
            var figures: FineTuneFigures?
            if let fineTuning, case .success(let result) = outcome, result.isFinished {
                figures = Self.fineTuneFigures(fineTuning.figures, after: result, digits: fineTuning.digits)
            }
            continuation.yield(.outcome(outcome, fineTune: figures))
            continuation.finish()
        }
        thread.start()
        // One consumer, so the page sees the updates in order and the end last.
        Task {
            for await message in messages {
                switch message {
                case .update(let update): self.record(update)
                case .outcome(let outcome, let figures): await self.finishTraining(outcome, fineTune: figures)
                }
            }
        }
    }

    /// Asks the running job to stop before its next mini-batch.
    /// - Throws: `APIError` (409) when no job runs.
    func cancelTraining() throws -> TrainingStatus {
        guard let job, job.state == .running, let running else { throw APIError(.conflict, "no training is running") }
        running.stop.stop()
        return job
    }

    private func record(_ update: TrainingUpdate) {
        guard var status = job, status.state == .running else { return }
        switch update {
        case .initial(let accuracy): status.initialValidationAccuracy = accuracy
        case .progress(_, let done, _): status.done = done
        case .epoch(let summary): status.reports.append(summary)
        default: break
        }
        job = status
        if case .progress = update {} else { remember(status) }
        publish(update)
    }

    private func finishTraining(_ outcome: Result<TrainingOutcome, TrainingError>, fineTune: FineTuneFigures?) async {
        guard var status = job, let running else { return }
        switch outcome {
        case .success(let result) where !result.isFinished:
            status.state = .cancelled
            status.message = "cancelled after \(result.epochs.count) complete epochs; the model in use is unchanged"
        case .success(let result):
            status.state = .finished
            if running.fineTuning != nil { status.fineTune = fineTune }
            status.message = await install(result.model, into: running.target, fineTune: status.fineTune)
        case .failure(let error):
            status.state = .failed
            status.message = error.description
        }
        self.running = nil
        job = status
        remember(status)
        publish(.ended(state: status.state, message: status.message ?? "", fineTune: status.fineTune))
        startNext()
    }

    /// Puts a finished job's model where it belongs, and says so in a line for the page.
    private func install(_ model: Model, into target: JobTarget, fineTune: FineTuneFigures?) async -> String {
        switch target {
        case .served:
            replaceModel(with: model)
            return fineTune == nil ? "finished; the Draw page now uses this model (version \(version))"
                : fineTuneMessage(fineTune, shown: "the Draw page now uses this model (version \(version))")
        case .copy(let id):
            // A fine-tuning keeps the copy's preprocessing; a new network brings its recipe's.
            let preprocessing = fineTune == nil ? try? Preprocessing(metadata: model.metadata, source: "model") : nil
            let kept = await learningCopies.install(model.network, preprocessing: preprocessing, into: id)
            let shown = kept ? "your copy of the model now has it; the class's model (version \(version)) is unchanged"
                : "your copy had been dropped (the server keeps the most recently used ones), so nothing was kept"
            return fineTuneMessage(fineTune, shown: shown)
        }
    }

    /// Starts the first queued job, if any.
    private func startNext() {
        guard running == nil, !queue.isEmpty else { return }
        let next = queue.removeFirst()
        _ = begin(next.run, status: next.status, target: next.target, fineTuning: next.fineTuning)
        for (position, waiting) in queue.enumerated() {
            var status = waiting.status
            status.message = "waiting for \(position + 1) training\(position == 0 ? "" : "s") before it"
            remember(status)
        }
    }

    /// Drops every student's copy (the Learn panel's and the Playground's) and every student's waiting
    /// fine-tuning (the teacher's "clear the class").
    /// - Returns: How many copies and waiting fine-tunings were dropped.
    func clearClass() async -> (copies: Int, queued: Int) {
        let dropped = queue.filter { $0.target != .served }
        queue.removeAll { $0.target != .served }
        for waiting in dropped {
            var status = waiting.status
            status.state = .cancelled
            status.message = "cancelled: the teacher cleared the class"
            remember(status)
        }
        if let running, running.target != .served { running.stop.stop() }
        return (await learningCopies.removeAll() + playgrounds.removeAll(), dropped.count)
    }

    // MARK: Subscribers

    /// The job's updates so far, then live ones until it ends; nil when no job was ever started. A
    /// client that reads slowly is kept only the newest `eventBuffer` events.
    func subscribe() -> AsyncStream<TrainingUpdate>? {
        guard let job else { return nil }
        let (stream, continuation) = AsyncStream<TrainingUpdate>.makeStream(bufferingPolicy: .bufferingNewest(Self.eventBuffer))
        for update in jobEvents { continuation.yield(update) }
        if let lastProgress, job.state == .running { continuation.yield(lastProgress) }
        if job.state != .running {
            continuation.finish()
            return stream
        }
        let id = nextSubscriber
        nextSubscriber += 1
        subscribers[id] = continuation
        continuation.onTermination = { _ in Task { await self.unsubscribe(id) } }
        return stream
    }

    private func unsubscribe(_ id: Int) { subscribers[id] = nil }

    private func publish(_ update: TrainingUpdate) {
        if case .progress = update {
            lastProgress = update
        } else {
            jobEvents.append(update)
        }
        for continuation in subscribers.values {
            continuation.yield(update)
            if update.isEnd { continuation.finish() }
        }
        if update.isEnd { subscribers = [:] }
    }
}
