/// `netviz compare MODEL MODEL ...` and the alpha x resolution grid: one row per model, ratios to the first.
public enum ModelComparison {
    public struct Entry: Sendable {
        public var label: String
        public var stats: ModelStatistics
        /// Grid coordinates, when the entry is one cell of a grid.
        public var alpha: Double?
        public var resolution: Int?

        public init(label: String, stats: ModelStatistics, alpha: Double? = nil, resolution: Int? = nil) {
            self.label = label
            self.stats = stats
            self.alpha = alpha
            self.resolution = resolution
        }
    }

    public static func report(_ entries: [Entry], title: String = "Model comparison") -> ReportTable {
        let grid = entries.contains { $0.alpha != nil }
        var columns: [ReportTable.Column] = [.init("model", "Model", weight: grid ? 20 : 26)]
        if grid {
            columns += [.init("alpha", "α", .right, weight: 8), .init("resolution", "Resolution", .right, weight: 13)]
        }
        columns += [
            .init("macs", "MACs", .right, weight: 17), .init("params", "Params", .right, weight: 14),
            .init("trainable_params", "Trainable", .right, weight: 14),
        ]
        // A model file that stores typed weights (.tflite) adds their bytes; Keras's are params x 4.
        let stored = entries.contains { $0.stats.hasStoredWeights }
        if stored { columns.append(.init("weight_bytes", "Weight bytes", .right, weight: 14)) }
        columns += [
            .init("activation_bytes", "Activations", .right, weight: 14),
            .init("output_shape", "Output shape", weight: 16),
            .init("macs_vs_first", "MACs ratio", .right, weight: 14),
            .init("params_vs_first", "Params ratio", .right, weight: 16),
        ]
        var table = ReportTable(title: title, columns: columns)
        guard let first = entries.first?.stats else { return table }
        for entry in entries {
            let stats = entry.stats
            var row: [ReportTable.Cell] = [.string(entry.label)]
            if grid {
                row.append(entry.alpha.map { .number($0, places: 2) } ?? .string("-"))
                row.append(entry.resolution.map { .count(Int64($0)) } ?? .string("-"))
            }
            let outputs = stats.model.outputSpecs
            row += [
                .count(stats.totalMACs), .count(stats.totalParams), .count(stats.trainableParams),
            ]
            if stored {
                row.append(ReportTable.Cell(NumberFormat.memory(bytes: stats.totalParamBytes), .int(stats.totalParamBytes)))
            }
            row += [
                ReportTable.Cell(NumberFormat.memory(bytes: stats.activationBytes), .int(stats.activationBytes)),
                ReportTable.Cell(
                    outputs.map(\.description).joined(separator: ", "),
                    outputs.count == 1
                        ? outputs[0].jsonShape : .array(outputs.map(\.jsonShape))),
                .number(ratio(stats.totalMACs, first.totalMACs), places: 3, suffix: "x"),
                .number(ratio(stats.totalParams, first.totalParams), places: 3, suffix: "x"),
            ]
            table.rows.append(row)
        }
        // A file that stores whole shapes (ONNX) has BatchNorm folded into its convolutions by the exporter.
        let folded = entries.contains { $0.stats.model.inputSpecs.contains { !$0.batched } }
        table.notes = [
            "ratios are to the first row",
        ] + (stored ? ["weight bytes as the file stores them (int8 1, float16 2 bytes); Keras models' are params x 4"] : []) + [
            "MACs are multiply-accumulates for one sample (FLOPs = 2 x MACs); params as Keras counts them, "
                + "BatchNorm included" + (folded ? " (ONNX files: as stored, BatchNorm folded into the convolutions)" : "")
                + "; activations = all layer outputs, batch 1."
        ]
        return table
    }

    static func ratio(_ a: Int64, _ b: Int64) -> Double { b == 0 ? 0 : Double(a) / Double(b) }
}
