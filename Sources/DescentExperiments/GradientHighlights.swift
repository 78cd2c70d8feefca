package import DescentNetwork
import DescentLinearAlgebra

/// What a page shows of a gradient without ranking all of it: its largest components, its squared
/// norm, and the shares of that norm held by its largest fractions. `GradientAnalysis` sorts every
/// component, O(P log P) time and a struct per parameter; this keeps the `count` largest in a small
/// sorted list and finds each fraction's sum by selection (Hoare's FIND, C. A. R. Hoare, CACM 4(7),
/// 1961), O(P) time on average and one Double per parameter.
package struct GradientHighlights: Sendable {
    /// The largest |∂C/∂θ| first, at most `count` of them; ties in the order `GradientAnalysis` ranks them.
    package let largest: [GradientComponent]
    /// Σ(∂C/∂θ)² over every component.
    package let squaredNorm: Double
    /// The number of components (weights and biases).
    package let parameterCount: Int
    /// For each fraction asked for, the share of the squared norm held by the largest `fraction` of
    /// the components (at least one), as `GradientAnalysis.share(ofLargest:)` gives it.
    package let sharesOfLargest: [Double]

    /// - Parameters:
    ///   - gradients: ∂C/∂w and ∂C/∂b, shaped like a network.
    ///   - count: How many of the largest components to keep.
    ///   - fractions: The fractions whose share of the squared norm to find, each in 0...1.
    /// - Complexity: O(P · count) worst case for the list (O(P) for the usual small `count`), and O(P)
    ///   on average for each fraction.
    package init(gradients: Gradients<Float>, count: Int, fractions: [Double]) {
        var largest: [GradientComponent] = []
        // The smallest size in a full list: a component must pass it to enter (most do not).
        var threshold = -Double.infinity
        func consider(layer: Int, neuron: Int, input: Int?, derivative: Float) {
            let size = abs(Double(derivative))
            guard count > 0, largest.count < count || size > threshold else { return }
            // After every component at least as large: an earlier one wins a tie, as in a stable sort.
            let position = largest.firstIndex { abs($0.derivative) < size } ?? largest.count
            largest.insert(GradientComponent(layer: layer, neuron: neuron, input: input, derivative: Double(derivative)), at: position)
            if largest.count > count { largest.removeLast() }
            if largest.count == count { threshold = abs(largest[largest.count - 1].derivative) }
        }
        let total = gradients.weights.reduce(0) { $0 + $1.elements.count + $1.rows }
        var squares = [Double](repeating: 0, count: total)
        squares.withUnsafeMutableBufferPointer { squares in
            var next = 0
            for (layer, weights) in gradients.weights.enumerated() {
                let columns = weights.columns
                weights.elements.withUnsafeBufferPointer { elements in
                    gradients.biases[layer].withUnsafeBufferPointer { biases in
                        for neuron in 0..<weights.rows {
                            let row = neuron * columns
                            for input in 0..<columns {
                                let value = elements[row + input]
                                squares[next] = Double(value) * Double(value)
                                next += 1
                                if abs(Double(value)) > threshold || largest.count < count {
                                    consider(layer: layer, neuron: neuron, input: input, derivative: value)
                                }
                            }
                            let bias = biases[neuron]
                            squares[next] = Double(bias) * Double(bias)
                            next += 1
                            if abs(Double(bias)) > threshold || largest.count < count {
                                consider(layer: layer, neuron: neuron, input: nil, derivative: bias)
                            }
                        }
                    }
                }
            }
        }
        let squaredNorm = squares.reduce(0, +)
        self.largest = largest
        self.squaredNorm = squaredNorm
        parameterCount = squares.count
        var shares = Array(repeating: 0.0, count: fractions.count)
        if squaredNorm > 0, squaredNorm.isFinite, !squares.isEmpty {
            let wanted = fractions.map { min(squares.count, max(1, Int(($0 * Double(squares.count)).rounded()))) }
            let sums = squares.withUnsafeBufferPointer { Self.sumsOfLargest(wanted, in: $0) }
            shares = sums.map { $0 / squaredNorm }
        }
        sharesOfLargest = shares
    }

    package func share(of component: GradientComponent) -> Double {
        squaredNorm > 0 ? component.derivative * component.derivative / squaredNorm : 0
    }

    /// The gradient's Euclidean norm.
    package var norm: Double { squaredNorm.squareRoot() }

    /// The sums of the `counts[i]` largest of `values`, each. Non-negative doubles order as their bit
    /// patterns do, so a value's top 15 bits (its exponent and three bits of mantissa) name a bucket an
    /// eighth of an octave wide: one pass counts the buckets, then for each count one pass adds up the
    /// values above the bucket holding the count-th largest and gathers that bucket's, and only those
    /// are selected among (`sumOfLargest`). The counting keeps four histograms, so that a run of values
    /// in one bucket does not wait on its own increments.
    /// - Precondition: every count in 1...`values.count`; no value negative, infinite or NaN.
    /// - Complexity: O(values.count) for each count, plus a selection among one bucket's values.
    static func sumsOfLargest(_ counts: [Int], in values: UnsafeBufferPointer<Double>) -> [Double] {
        let buckets = 1 << 15
        func bucket(_ value: Double) -> Int { Int(truncatingIfNeeded: value.bitPattern >> 49) & (buckets - 1) }
        var histogram = [UInt32](repeating: 0, count: 4 * buckets)
        histogram.withUnsafeMutableBufferPointer { histogram in
            let quads = values.count / 4
            for index in 0..<quads {
                let first = 4 * index
                histogram[bucket(values[first])] &+= 1
                histogram[buckets + bucket(values[first + 1])] &+= 1
                histogram[2 * buckets + bucket(values[first + 2])] &+= 1
                histogram[3 * buckets + bucket(values[first + 3])] &+= 1
            }
            for index in (4 * quads)..<values.count { histogram[bucket(values[index])] &+= 1 }
        }
        func count(of bucket: Int) -> Int {
            Int(histogram[bucket]) + Int(histogram[buckets + bucket]) + Int(histogram[2 * buckets + bucket]) + Int(histogram[3 * buckets + bucket])
        }
        return counts.map { wanted in
            precondition(wanted >= 1 && wanted <= values.count, "sumsOfLargest: \(wanted) of \(values.count) values")
            var (above, chosen) = (0, buckets - 1)
            while above + count(of: chosen) < wanted {
                above += count(of: chosen)
                chosen -= 1
            }
            // The bucket's bounds as bit patterns, [low, high): compared as doubles, subnormal bounds
            // would read as 0 on a thread that flushes them (DAZ).
            let (low, high) = (UInt64(chosen) << 49, UInt64(chosen + 1) << 49)
            var sum = 0.0
            var inBucket: [Double] = []
            inBucket.reserveCapacity(count(of: chosen))
            for value in values {
                let bits = value.bitPattern
                if bits >= high { sum += value } else if bits >= low { inBucket.append(value) }
            }
            return sum + sumOfLargest(wanted - above, in: &inBucket)
        }
    }

    /// The sum of the `count` largest of `values`, which it reorders so that they come first.
    /// - Precondition: 1 ≤ `count` ≤ `values.count`, and no value is NaN.
    /// - Complexity: O(values.count) on average.
    static func sumOfLargest(_ count: Int, in values: inout [Double]) -> Double {
        values.withUnsafeMutableBufferPointer { sumOfLargest(count, in: $0) }
    }

    static func sumOfLargest(_ count: Int, in values: UnsafeMutableBufferPointer<Double>) -> Double {
        precondition(count >= 1 && count <= values.count, "sumOfLargest: \(count) of \(values.count) values")
        let target = count - 1  // the index that must end up holding the count-th largest
        var (low, high) = (0, values.count - 1)
        while low < high {
            let pivot = median(values[low], values[low + (high - low) / 2], values[high])
            var (i, j) = (low, high)
            while i <= j {
                while i <= high, values[i] > pivot { i += 1 }
                while j >= low, values[j] < pivot { j -= 1 }
                if i <= j {
                    values.swapAt(i, j)
                    i += 1
                    j -= 1
                }
            }
            // values[low...j] ≥ pivot ≥ values[i...high]; anything between equals the pivot.
            if target <= j {
                high = j
            } else if target >= i {
                low = i
            } else {
                break
            }
        }
        return values[0..<count].reduce(0, +)
    }

    private static func median(_ a: Double, _ b: Double, _ c: Double) -> Double {
        max(min(a, b), min(max(a, b), c))
    }
}
