/// A run of `count` structurally identical blocks of `length` consecutive layers, starting at node `start`.
/// `--collapse-repeats` draws the first block and hides the other `count - 1`.
struct RepeatRun: Sendable, Equatable {
    let start: Int
    let length: Int
    let count: Int

    var end: Int { start + length * count }
    /// Node indices of the block that is drawn.
    var representative: Range<Int> { start..<(start + length) }
}

/// Finds maximal runs of repeated blocks in the chains of a model (MobileNet's five 14x14x512 blocks).
///
/// Two layers are the same when their class, input and output specs, activation and counts match (everything
/// a node's label can show). Runs live inside chains: segments where each layer reads only the previous one and
/// is its only reader, so hiding repetitions never hides a branch. Residual blocks are not chains and stay drawn.
enum RepeatFinder {
    /// Blocks longer than this are not looked for (keeps the search linear in the model size).
    static let maxBlockLength = 64

    private struct Signature: Hashable {
        let className: String
        let inputs: [TensorSpec]
        let output: TensorSpec
        let activation: ActivationFunction?
        let params: Int64
        let trainableParams: Int64
        let macs: Int64
    }

    static func runs(in stats: ModelStatistics) -> [RepeatRun] {
        let nodes = stats.model.nodes
        guard nodes.count >= 2 else { return [] }
        // Equal signatures get equal small integers, so blocks compare as integer arrays.
        var ids: [Signature: Int] = [:]
        let signature: [Int] = nodes.indices.map { i in
            let node = nodes[i], counts = stats.layers[i]
            let key = Signature(
                className: node.className, inputs: node.inputSpecs, output: node.output,
                activation: node.layer.activation, params: counts.params, trainableParams: counts.trainableParams,
                macs: counts.macs)
            if let id = ids[key] { return id }
            ids[key] = ids.count
            return ids.count - 1
        }
        var consumers = [Int](repeating: 0, count: nodes.count)
        for node in nodes { for source in node.inbound { consumers[source] += 1 } }
        let outputs = Set(stats.model.outputIndices)
        // linked[j]: node j continues the chain of node j - 1.
        let linked: [Bool] = nodes.indices.map { j in
            j > 0 && nodes[j].inbound == [j - 1] && consumers[j - 1] == 1 && !outputs.contains(j - 1)
        }

        var runs: [RepeatRun] = []
        var segmentStart = 0
        for j in 1...nodes.count where j == nodes.count || !linked[j] {
            runs += segmentRuns(segmentStart..<j, signature: signature, stats: stats)
            segmentStart = j
        }
        return runs
    }

    /// Greedy left to right: at each position take the block length that covers the most layers; then choose the
    /// phase (MobileNet's run could start at `conv_pw_6_bn`, `conv_pw_6_relu` or `conv_dw_7`) that covers as much,
    /// preferring a block that starts with a computing layer (MACs > 0), then the earliest.
    private static func segmentRuns(_ segment: Range<Int>, signature: [Int], stats: ModelStatistics) -> [RepeatRun] {
        func repeats(_ start: Int, _ length: Int) -> Int {
            var count = 1
            while start + (count + 1) * length <= segment.upperBound,
                signature[(start + count * length)..<(start + (count + 1) * length)] == signature[start..<(start + length)]
            {
                count += 1
            }
            return count
        }
        var runs: [RepeatRun] = []
        var position = segment.lowerBound
        while position < segment.upperBound {
            var best: (length: Int, count: Int)? = nil
            let longest = min(maxBlockLength, (segment.upperBound - position) / 2)
            if longest >= 1 {
                for length in 1...longest {
                    let count = repeats(position, length)
                    if count >= 2, count * length > (best.map { $0.count * $0.length } ?? 0) { best = (length, count) }
                }
            }
            guard let best else {
                position += 1
                continue
            }
            var chosen = RepeatRun(start: position, length: best.length, count: best.count)
            for phase in (position + 1)..<(position + best.length) where phase + 2 * best.length <= segment.upperBound {
                let count = repeats(phase, best.length)
                let candidate = RepeatRun(start: phase, length: best.length, count: count)
                let covers = count * best.length, chosenCovers = chosen.count * chosen.length
                if covers > chosenCovers
                    || (covers == chosenCovers && stats.layers[phase].macs > 0 && stats.layers[chosen.start].macs == 0)
                {
                    chosen = candidate
                }
            }
            runs.append(chosen)
            position = chosen.end
        }
        return runs
    }
}
