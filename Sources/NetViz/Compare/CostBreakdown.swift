/// `netviz summary --by-type`: where the MACs and params go, grouped by layer type and kernel shape the way
/// the paper's Table 2 groups MobileNet (Conv 1x1, Conv DW 3x3, Conv 3x3, Fully Connected).
public enum CostBreakdown {
    /// The group a layer's cost belongs to: the layer's own (`Layer.costGroup`), else its class.
    public static func group(_ node: Node) -> String {
        node.baseLayer.costGroup(for: node.inputSpecs) ?? node.className
    }

    public struct Group: Sendable, Equatable {
        public var name: String
        public var layers: Int
        public var macs: Int64
        public var params: Int64
    }

    /// Groups in order of MACs, then params, then name; empty groups are kept (their layers exist).
    public static func groups(_ stats: ModelStatistics) -> [Group] {
        var byName: [String: Group] = [:]
        for (node, layer) in zip(stats.model.nodes, stats.layers) {
            let name = group(node)
            var entry = byName[name] ?? Group(name: name, layers: 0, macs: 0, params: 0)
            entry.layers += 1
            entry.macs += layer.macs
            entry.params += layer.params
            byName[name] = entry
        }
        return byName.values.sorted { ($1.macs, $1.params, $0.name) < ($0.macs, $0.params, $1.name) }
    }

    public static func report(_ stats: ModelStatistics) -> ReportTable {
        let groups = groups(stats)
        let macShares = NumberFormat.percentages(groups.map(\.macs))
        let paramShares = NumberFormat.percentages(groups.map(\.params))
        var table = ReportTable(
            title: "Cost by layer type: \"\(stats.model.name)\"",
            columns: [
                .init("type", "Type", weight: 26), .init("layers", "Layers", .right, weight: 9),
                .init("macs", "MACs", .right, weight: 17), .init("macs_percent", "MACs %", .right, weight: 10),
                .init("params", "Params", .right, weight: 14), .init("params_percent", "Params %", .right, weight: 11),
            ])
        for (i, group) in groups.enumerated() {
            table.rows.append([
                .string(group.name), .count(Int64(group.layers)), .count(group.macs),
                .number(macShares[i], places: 2), .count(group.params), .number(paramShares[i], places: 2),
            ])
        }
        table.rows.append([
            .string("Total"), .count(Int64(stats.model.nodes.count)), .count(stats.totalMACs),
            .number(stats.totalMACs > 0 ? 100 : 0, places: 2), .count(stats.totalParams),
            .number(stats.totalParams > 0 ? 100 : 0, places: 2),
        ])
        table.notes = [
            "MACs are multiply-accumulates for one sample (FLOPs = 2 x MACs); each percentage is rounded on its own, so a column may sum to 100.01 or 99.99."
        ]
        return table
    }
}
