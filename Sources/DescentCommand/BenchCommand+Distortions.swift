import DescentDatasets
import DescentLinearAlgebra
import Dispatch
import Foundation

extension BenchCommand {
    /// `descent bench --distortions`: distorts the 50,000 training images with mlp99's augmentation,
    /// by `Augmenter.distort` and by the reference it replaced, in interleaved rounds from the same
    /// seed; prints each one's median µs an image and whether their bytes agree.
    static func benchDistortions(_ images: LabeledImages, rounds: Int, console: Console) -> [String: Any] {
        let augmentation = Augmentation(maxShift: 0, maxRotation: 5, maxScaling: 0.05, elasticAlpha: 20, elasticSigma: 4)
        var augmenter = Augmenter(augmentation, rows: images.rows, columns: images.columns)
        var output = [UInt8](repeating: 0, count: images.rows * images.columns)
        // One pass over every image; returns seconds and a checksum of every byte written.
        func pass(reference: Bool) -> (seconds: Double, checksum: UInt64) {
            var generator = SplitMix64(seed: 0)
            var checksum: UInt64 = 0xCBF2_9CE4_8422_2325
            let start = DispatchTime.now().uptimeNanoseconds
            for index in 0..<images.count {
                if reference {
                    augmenter.distortByReference(images.image(index), into: &output, using: &generator)
                } else {
                    augmenter.distort(images.image(index), into: &output, using: &generator)
                }
                for byte in output { checksum = (checksum ^ UInt64(byte)) &* 0x100_0000_01B3 }
            }
            return (seconds(since: start), checksum)
        }
        var before: [Double] = [], after: [Double] = [], identical = true
        for round in 1...rounds {
            let old = pass(reference: true), new = pass(reference: false)
            identical = identical && old.checksum == new.checksum
            before.append(old.seconds)
            after.append(new.seconds)
            console.say(String(format: "round %d: reference %.3f s, kernel %.3f s, bytes %@", round, old.seconds, new.seconds,
                               old.checksum == new.checksum ? "identical" : "DIFFER"))
        }
        let perImage = { (seconds: [Double]) in median(seconds) / Double(images.count) * 1e6 }
        console.say(String(format: "Distorting %d images (mlp99's augmentation, smoothing by %@): reference %.2f µs an image, "
                           + "kernel %.2f µs an image, %.2fx; bytes %@ (median of %d interleaved rounds, checksums included)",
                           images.count, Float.gemmKernelName, perImage(before), perImage(after), median(before) / median(after),
                           identical ? "identical" : "DIFFER", rounds))
        return ["images": images.count, "kernel": Float.gemmKernelName, "rounds": rounds, "reference_us_per_image": perImage(before),
                "kernel_us_per_image": perImage(after), "speedup": median(before) / median(after), "identical": identical]
    }
}
