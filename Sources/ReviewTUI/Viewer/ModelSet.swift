import Dataset
import Enhancer
import Foundation

/// The models of a session (`--model` given once or more) with their disk caches.
struct ModelSet {
    var generators: [Generator] = []
    var diskCaches: [DiskCache?] = []
    var names: [String] = []
    var errors: [String] = []

    /// `first` is the already loaded generator of `firstURL`; `extra` are loaded here.
    /// A model that fails to load is left out and named in `errors`.
    static func load(first: Generator?, firstURL: URL?, extra: [URL], threads: Int?) -> ModelSet {
        var set = ModelSet()
        func add(_ generator: Generator, _ url: URL) {
            set.generators.append(generator)
            set.diskCaches.append(try? DiskCache(model: url))
            set.names.append(url.deletingPathExtension().lastPathComponent)
        }
        if let first, let firstURL { add(first, firstURL) }
        for url in extra {
            do { add(try Generator.load(url, threads: threads), url) } catch {
                set.errors.append("model \(url.lastPathComponent): \(error)")
            }
        }
        return set
    }
}
