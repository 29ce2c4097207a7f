import CHDF5
import Foundation
import Synchronization

/// Debian's serial HDF5 keeps global state (open objects, the error stack) and is not thread-safe: every call into it
/// runs under this one process-wide lock, taken by `HDF5File.withFile` for the whole of a reading.
private let hdf5Lock = Mutex<Bool>(false)

/// An HDF5 file read through the HDF5 C library (libhdf5-dev), never by hand: Keras 2's `.h5` models and the
/// `model.weights.h5` inside `.keras` archives. It reads what netviz needs and nothing else: string attributes,
/// group members and float datasets, each bounded before HDF5 allocates for it. Every failure is a `Failure` in
/// words; HDF5's own error printing is switched off so nothing raw reaches the terminal.
///
/// libhdf5 is not written for hostile files: the fuzzer found it looping forever, overflowing a heap buffer and
/// reading wild pointers (HDF5 1.10.8; the loop also in h5py's HDF5 2.0.0; Fixtures/fuzz-regressions/h5-*). So the
/// CLI reads HDF5 files in a child process (`HDF5Isolation`); in-process readers (tests, the fuzzer) read trusted
/// or fuzzed files.
///
/// Use it only inside `withFile`, which holds the lock.
struct HDF5File: ~Copyable {
    struct Failure: Error { let message: String }

    /// Paths and names longer than this are refused (a Keras layer path is a few dozen bytes).
    static let maxNameBytes = 4096
    /// Members listed from one group.
    static let maxMembers = 1_000_000

    private let file: hid_t
    /// libhdf5's functions, opened on first use (Sources/CHDF5/shim.h).
    private let h5: netviz_hdf5

    private init(file: hid_t, h5: netviz_hdf5) {
        self.file = file
        self.h5 = h5
    }

    /// Opens the file at `path` read-only and runs `body` on it under the HDF5 lock.
    static func withFile<T>(path: String, _ body: (borrowing HDF5File) throws -> T) throws -> T {
        try hdf5Lock.withLock { _ in
            guard let loaded = netviz_hdf5_load() else {
                throw Failure(message: "netviz reads HDF5 through Debian's HDF5 library (libhdf5_serial.so.103), which is not installed (apt-get install libhdf5-dev)")
            }
            let h5 = loaded.pointee
            // HDF5 would print every failure's stack to stderr. Debian's build keeps this setting per thread (the
            // tests read from several), so it is set on every reading, not once.
            h5.Eset_auto(netviz_h5e_default(), nil, nil)
            let access = h5.Pcreate(h5.file_access)
            guard access >= 0 else { throw Failure(message: "HDF5 cannot make a file-access property list") }
            defer { h5.Pclose(access) }
            // Reading takes no lock on the file (a lock fails on file systems without them, and guards only writers).
            h5.Pset_file_locking(access, false, true)
            let file = h5.Fopen(path, netviz_h5f_acc_rdonly(), access)
            guard file >= 0 else { throw Failure(message: "not an HDF5 file the HDF5 library can open (truncated or corrupt?)") }
            let opened = HDF5File(file: file, h5: h5)
            defer { opened.close() }
            return try body(opened)
        }
    }

    /// The same for a file held in memory (a `.keras` archive's `model.weights.h5`, tests, the fuzzer), through a
    /// private temporary file so it takes the CLI's path.
    static func withFile<T>(bytes: [UInt8], _ body: (borrowing HDF5File) throws -> T) throws -> T {
        let path = FileManager.default.temporaryDirectory
            .appendingPathComponent("netviz-\(ProcessInfo.processInfo.processIdentifier)-\(UUID().uuidString).h5").path
        guard FileManager.default.createFile(atPath: path, contents: Data(bytes), attributes: [.posixPermissions: 0o600])
        else { throw Failure(message: "cannot write a temporary copy of the HDF5 file") }
        defer { try? FileManager.default.removeItem(atPath: path) }
        return try withFile(path: path, body)
    }

    private borrowing func close() {
        // Every object is closed by the reader that opened it (defer), so the file closes for good here.
        h5.Fclose(file)
    }

    // MARK: Objects

    private static func checkName(_ name: String) throws(Failure) {
        guard name.utf8.count <= maxNameBytes, !name.utf8.contains(0) else {
            throw Failure(message: "an HDF5 path of \(name.utf8.count) bytes")
        }
    }

    /// Whether `path` names an object (group or dataset); every link on the way must exist.
    borrowing func exists(_ path: String) -> Bool {
        guard (try? Self.checkName(path)) != nil else { return false }
        var prefix = ""
        for part in path.split(separator: "/", omittingEmptySubsequences: true) {
            prefix += (prefix.isEmpty ? "" : "/") + part
            guard h5.Lexists(file, prefix, netviz_h5p_default()) > 0 else { return false }
        }
        return h5.Oexists_by_name(file, path.isEmpty ? "." : path, netviz_h5p_default()) > 0
    }

    /// Whether `path` is a group.
    borrowing func isGroup(_ path: String) -> Bool {
        guard exists(path) else { return false }
        var info = H5O_info_t()
        guard h5.Oget_info_by_name(file, path, &info, UInt32(H5O_INFO_BASIC), netviz_h5p_default()) >= 0 else { return false }
        return info.type == H5O_TYPE_GROUP
    }

    /// The names of a group's members, in name order.
    borrowing func members(of path: String) throws(Failure) -> [String] {
        guard isGroup(path) else { throw Failure(message: "'\(path)' is not a group") }
        let group = h5.Gopen(file, path, netviz_h5p_default())
        guard group >= 0 else { throw Failure(message: "cannot open the group '\(path)'") }
        defer { h5.Gclose(group) }
        var info = H5G_info_t()
        guard h5.Gget_info(group, &info) >= 0 else { throw Failure(message: "cannot read the group '\(path)'") }
        guard info.nlinks <= UInt64(Self.maxMembers) else {
            throw Failure(message: "the group '\(path)' has \(info.nlinks) members; netviz reads at most \(Self.maxMembers)")
        }
        var names: [String] = []
        for index in 0..<info.nlinks {
            let length = h5.Lget_name_by_idx(group, ".", H5_INDEX_NAME, H5_ITER_INC, index, nil, 0, netviz_h5p_default())
            guard length >= 0, length <= Self.maxNameBytes else { throw Failure(message: "cannot read member \(index) of '\(path)'") }
            var buffer = [CChar](repeating: 0, count: Int(length) + 1)
            guard h5.Lget_name_by_idx(group, ".", H5_INDEX_NAME, H5_ITER_INC, index, &buffer, buffer.count, netviz_h5p_default()) >= 0
            else { throw Failure(message: "cannot read member \(index) of '\(path)'") }
            names.append(String(decoding: buffer.prefix(Int(length)).map { UInt8(bitPattern: $0) }, as: UTF8.self))
        }
        return names
    }

    // MARK: Attributes

    /// A string attribute of the object at `path` (`"/"` for the root): one string, or nil when there is none.
    /// More than `limit` bytes is a failure.
    borrowing func stringAttribute(_ name: String, of path: String = "/", limit: Int) throws(Failure) -> String? {
        guard let strings = try stringsAttribute(name, of: path, limit: limit) else { return nil }
        guard strings.count == 1 else { throw Failure(message: "the attribute '\(name)' holds \(strings.count) strings, not one") }
        return strings[0]
    }

    /// A string or list-of-strings attribute (Keras's `weight_names`, `layer_names`), fixed or variable length;
    /// nil when there is none. More than `limit` bytes in all is a failure.
    borrowing func stringsAttribute(_ name: String, of path: String = "/", limit: Int) throws(Failure) -> [String]? {
        try Self.checkName(name)
        try Self.checkName(path)
        guard path == "/" || exists(path) else { return nil }
        guard h5.Aexists_by_name(file, path, name, netviz_h5p_default()) > 0 else { return nil }
        let attribute = h5.Aopen_by_name(file, path, name, netviz_h5p_default(), netviz_h5p_default())
        guard attribute >= 0 else { throw Failure(message: "cannot open the attribute '\(name)'") }
        defer { h5.Aclose(attribute) }
        let type = h5.Aget_type(attribute)
        guard type >= 0 else { throw Failure(message: "cannot read the type of the attribute '\(name)'") }
        defer { h5.Tclose(type) }
        let space = h5.Aget_space(attribute)
        guard space >= 0 else { throw Failure(message: "cannot read the shape of the attribute '\(name)'") }
        defer { h5.Sclose(space) }
        let points = h5.Sget_simple_extent_npoints(space)
        // An empty list is stored by h5py as an empty float array (Keras's weight_names of a layer without weights).
        if points == 0 { return [] }
        guard h5.Tget_class(type) == H5T_STRING else { throw Failure(message: "the attribute '\(name)' is not text") }
        guard points > 0, points <= Int64(limit) else {
            throw Failure(message: "the attribute '\(name)' has \(points) elements; the limit is \(limit)")
        }
        let count = Int(points)
        let memoryType = h5.Tcopy(h5.c_s1)
        guard memoryType >= 0 else { throw Failure(message: "HDF5 cannot make a string type") }
        defer { h5.Tclose(memoryType) }
        if h5.Tis_variable_str(type) > 0 {
            h5.Tset_size(memoryType, netviz_h5t_variable())
            h5.Tset_cset(memoryType, h5.Tget_cset(type))
            var pointers = [UnsafeMutablePointer<CChar>?](repeating: nil, count: count)
            guard h5.Aread(attribute, memoryType, &pointers) >= 0 else {
                throw Failure(message: "cannot read the attribute '\(name)' (corrupt?)")
            }
            defer { for pointer in pointers where pointer != nil { h5.free_memory(pointer) } }
            var strings: [String] = []
            var total = 0
            for pointer in pointers {
                guard let pointer else { strings.append(""); continue }
                let length = strnlen(pointer, limit - total + 1)
                total += length
                guard total <= limit else { throw Failure(message: "the attribute '\(name)' is larger than \(limit) bytes") }
                strings.append(String(decoding: UnsafeRawBufferPointer(start: pointer, count: length), as: UTF8.self))
            }
            return strings
        }
        let size = h5.Tget_size(type)
        guard size > 0, size <= limit, count <= limit / size else {
            throw Failure(message: "the attribute '\(name)' is larger than \(limit) bytes")
        }
        // As stored (NULLPAD): a NULLTERM memory type of the same size would drop the last character.
        h5.Tset_size(memoryType, size)
        h5.Tset_strpad(memoryType, H5T_STR_NULLPAD)
        var bytes = [UInt8](repeating: 0, count: count * size)
        guard h5.Aread(attribute, memoryType, &bytes) >= 0 else { throw Failure(message: "cannot read the attribute '\(name)' (corrupt?)") }
        return (0..<count).map { i in
            let element = bytes[i * size..<(i + 1) * size]
            return String(decoding: element.prefix { $0 != 0 }, as: UTF8.self)
        }
    }

    // MARK: Datasets

    /// The shape of the dataset at `path` (`[]` for a scalar).
    borrowing func datasetShape(_ path: String) throws(Failure) -> [Int] {
        try withDataset(path) { (dataset) throws(Failure) in try shape(of: dataset, path) }
    }

    /// The values of a numeric dataset as Float32 (HDF5 converts float16/64 and integers), refused when its
    /// element count differs from `expectedCount` (checked before any value is read).
    borrowing func floats(_ path: String, expectedCount: Int) throws(Failure) -> [Float] {
        try withDataset(path) { (dataset) throws(Failure) in
            let shape = try shape(of: dataset, path)
            let count = shape.reduce(1, *)
            guard count == expectedCount else {
                throw Failure(message: "'\(path)' has \(count) values, not \(expectedCount)")
            }
            let type = h5.Dget_type(dataset)
            guard type >= 0 else { throw Failure(message: "cannot read the type of '\(path)'") }
            defer { h5.Tclose(type) }
            let typeClass = h5.Tget_class(type)
            guard typeClass == H5T_FLOAT || typeClass == H5T_INTEGER else {
                throw Failure(message: "'\(path)' does not hold numbers")
            }
            var values = [Float](repeating: 0, count: count)
            if count == 0 { return values }
            let status = values.withUnsafeMutableBytes { buffer in
                h5.Dread(dataset, h5.native_float, netviz_h5s_all(), netviz_h5s_all(), netviz_h5p_default(), buffer.baseAddress)
            }
            guard status >= 0 else { throw Failure(message: "cannot read the values of '\(path)' (corrupt or truncated?)") }
            return values
        }
    }

    private borrowing func withDataset<T>(_ path: String, _ body: (hid_t) throws(Failure) -> T) throws(Failure) -> T {
        try Self.checkName(path)
        guard exists(path) else { throw Failure(message: "no dataset '\(path)'") }
        let dataset = h5.Dopen(file, path, netviz_h5p_default())
        guard dataset >= 0 else { throw Failure(message: "'\(path)' is not a dataset HDF5 can open") }
        defer { h5.Dclose(dataset) }
        return try body(dataset)
    }

    /// A dataset's dims, each and their product bounded by `Limits.verifyElements`.
    private borrowing func shape(of dataset: hid_t, _ path: String) throws(Failure) -> [Int] {
        let space = h5.Dget_space(dataset)
        guard space >= 0 else { throw Failure(message: "cannot read the shape of '\(path)'") }
        defer { h5.Sclose(space) }
        let rank = h5.Sget_simple_extent_ndims(space)
        guard rank >= 0, rank <= 32 else { throw Failure(message: "'\(path)' has no simple shape") }
        var dims = [hsize_t](repeating: 0, count: Int(rank))
        if rank > 0 { guard h5.Sget_simple_extent_dims(space, &dims, nil) == rank else { throw Failure(message: "cannot read the shape of '\(path)'") } }
        var product: UInt64 = 1
        for dim in dims {
            let (next, overflow) = product.multipliedReportingOverflow(by: dim)
            guard !overflow, next <= UInt64(Limits.verifyElements) else {
                throw Failure(message: "'\(path)' has more than \(Limits.verifyElements) values")
            }
            product = next
        }
        return dims.map { Int($0) }
    }
}
