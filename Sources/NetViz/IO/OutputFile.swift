import Foundation

/// Writes whole files or nothing: data goes to a temporary file beside the target, then is renamed over it.
public enum OutputFile {
    public static func write(_ data: Data, to path: String) throws {
        let url = URL(fileURLWithPath: path)
        let directory = url.deletingLastPathComponent()
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory.path, isDirectory: &isDirectory), isDirectory.boolValue
        else { throw NetVizError.file(path: path, message: "cannot write: directory \(directory.path) does not exist") }
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
            throw NetVizError.file(path: path, message: "cannot write: it is a directory")
        }
        let temporary = directory.appendingPathComponent(".\(url.lastPathComponent).\(UUID().uuidString).tmp")
        do {
            try data.write(to: temporary)
        } catch {
            throw NetVizError.file(path: path, message: "cannot write: \(reason(error))")
        }
        guard rename(temporary.path, path) == 0 else {
            let message = String(cString: strerror(errno))
            try? FileManager.default.removeItem(at: temporary)
            throw NetVizError.file(path: path, message: "cannot write: \(message)")
        }
    }

    public static func write(_ text: String, to path: String) throws { try write(Data(text.utf8), to: path) }

    /// Fails at once for a path that can never be written as a file (empty, ending in `/`, a directory), so a
    /// command does not find out only after a long layout.
    public static func checkWritable(_ path: String) throws {
        var isDirectory: ObjCBool = false
        if path.isEmpty || path.hasSuffix("/")
            || (FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue)
        {
            throw NetVizError.file(path: path, message: "cannot write: it is a directory")
        }
    }

    /// The OS's reason without Foundation's long wrapper text.
    static func reason(_ error: Error) -> String {
        let nsError = error as NSError
        if let underlying = nsError.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain,
            let code = POSIXErrorCode(rawValue: Int32(underlying.code))
        {
            return String(cString: strerror(code.rawValue))
        }
        if nsError.domain == NSCocoaErrorDomain, nsError.code == NSFileWriteNoPermissionError { return "permission denied" }
        return nsError.localizedDescription
    }
}
