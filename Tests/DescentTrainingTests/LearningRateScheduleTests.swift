import Testing
import DescentTraining

@Suite("Learning-rate schedules")
struct LearningRateScheduleTests {
    @Test("constant is 1 everywhere and says so")
    func constant() {
        let schedule = LearningRateSchedule()
        #expect(schedule.isConstant)
        #expect(schedule.factor(epoch: 7, batch: 3, batchesPerEpoch: 10, epochs: 30) == 1)
    }

    @Test("step multiplies by the factor every N epochs")
    func step() {
        let schedule = LearningRateSchedule(shape: .step, stepEvery: 5, stepFactor: 0.5)
        #expect(!schedule.isConstant)
        #expect(schedule.factor(epoch: 0, batch: 0, batchesPerEpoch: 10, epochs: 20) == 1)
        #expect(schedule.factor(epoch: 4, batch: 9, batchesPerEpoch: 10, epochs: 20) == 1)
        #expect(schedule.factor(epoch: 5, batch: 0, batchesPerEpoch: 10, epochs: 20) == 0.5)
        #expect(schedule.factor(epoch: 19, batch: 9, batchesPerEpoch: 10, epochs: 20) == 0.125)
    }

    @Test("cosine falls from 1 through ½ at the middle to nearly 0 at the end")
    func cosine() {
        let schedule = LearningRateSchedule(shape: .cosine)
        #expect(schedule.factor(epoch: 0, batch: 0, batchesPerEpoch: 100, epochs: 10) == 1)
        #expect(abs(schedule.factor(epoch: 5, batch: 0, batchesPerEpoch: 100, epochs: 10) - 0.5) < 1e-12)
        let last = schedule.factor(epoch: 9, batch: 99, batchesPerEpoch: 100, epochs: 10)
        #expect(last > 0 && last < 1e-5)
        var previous = 2.0
        for epoch in 0..<10 {
            for batch in 0..<100 {
                let value = schedule.factor(epoch: epoch, batch: batch, batchesPerEpoch: 100, epochs: 10)
                #expect(value <= previous)
                previous = value
            }
        }
    }

    @Test("warm-up climbs linearly to 1, then the shape starts from 1")
    func warmup() {
        let schedule = LearningRateSchedule(shape: .cosine, warmupEpochs: 2)
        #expect(schedule.factor(epoch: 0, batch: 0, batchesPerEpoch: 10, epochs: 12) == 0.05)
        #expect(schedule.factor(epoch: 0, batch: 9, batchesPerEpoch: 10, epochs: 12) == 0.5)
        #expect(schedule.factor(epoch: 1, batch: 9, batchesPerEpoch: 10, epochs: 12) == 1)
        #expect(schedule.factor(epoch: 2, batch: 0, batchesPerEpoch: 10, epochs: 12) == 1)
        #expect(abs(schedule.factor(epoch: 7, batch: 0, batchesPerEpoch: 10, epochs: 12) - 0.5) < 1e-12)
        #expect(!LearningRateSchedule(shape: .constant, warmupEpochs: 1).isConstant)
    }
}
