// swift-tools-version: 6.0
// usreview: review AI-enhanced ultrasound images in a terminal.
// Module picture and rules of the house: docs/ARCHITECTURE.md.
import PackageDescription

let package = Package(
    name: "usreview",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "usreview", targets: ["usreview"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.0.0"),
        .package(url: "https://github.com/LebJe/TOMLKit", from: "0.6.0"),
        .package(url: "https://github.com/yaslab/CSV.swift", from: "2.5.2"),
    ],
    targets: [
        // libpng behind a C shim: libpng reports errors by longjmp, which Swift
        // cannot survive, so the setjmp lives in C and comes back as a status code.
        .target(
            name: "CPNG",
            linkerSettings: [.linkedLibrary("png16")]
        ),
        .systemLibrary(
            name: "COpenBLAS",
            pkgConfig: "openblas",
            providers: [.apt(["libopenblas-dev"])]
        ),
        // Text from files that leaves usreview: shown on a terminal (escaped) or written
        // to CSV (RFC 4180 through CSV.swift, formulas neutralised). Below every target
        // that prints or writes CSV, so there is one place for both.
        .target(name: "UntrustedText", dependencies: [.product(name: "CSV", package: "CSV.swift")]),
        // OpenSSL's libcrypto, for SHA-256 (libpq-dev already brings libssl-dev).
        .systemLibrary(name: "CCrypto", pkgConfig: "libcrypto", providers: [.apt(["libssl-dev"])]),
        .target(name: "Dataset", dependencies: ["CPNG", "CCrypto", "UntrustedText"]),
        .target(name: "Enhancer", dependencies: ["Dataset", "COpenBLAS"]),
        .target(name: "Statistics"),
        // Figures written directly as SVG (no plotting stack), and the self-contained HTML page.
        .target(name: "Figures"),
        .target(name: "Metrics", dependencies: ["Dataset", "Enhancer", "Statistics", "UntrustedText", "Figures"]),
        .target(name: "TerminalGraphics", dependencies: ["Dataset", "UntrustedText"]),
        // ncursesw behind a module map; the shim is the only file that includes curses.
        .systemLibrary(
            name: "CNcursesw",
            pkgConfig: "ncursesw",
            providers: [.apt(["libncursesw5-dev"])]
        ),
        // The review app: state and reducer, views drawing into a screen model, the
        // ncurses driver, background enhancement.
        .target(
            name: "ReviewTUI",
            dependencies: [
                "Dataset", "Enhancer", "Metrics", "TerminalGraphics", "CNcursesw", "ReaderStudy", "UntrustedText",
                .product(name: "TOMLKit", package: "TOMLKit"),
            ]
        ),
        // libpq, PostgreSQL's official C client, for the multi-site study server: no
        // build time added, and every connection convention DBAs expect (docs/ARCHITECTURE.md).
        .systemLibrary(
            name: "CLibpq",
            pkgConfig: "libpq",
            providers: [.apt(["libpq-dev"])]
        ),
        // Reader studies: definitions (TOML), randomisation and blinding, freezing the
        // panels at creation (hence Enhancer), reading sessions, two stores behind one
        // protocol (SQLite through GRDB, PostgreSQL through libpq), export and report.
        .target(
            name: "ReaderStudy",
            dependencies: [
                "Dataset", "Enhancer", "Statistics", "CLibpq", "UntrustedText", "Figures",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "TOMLKit", package: "TOMLKit"),
            ]
        ),
        .executableTarget(
            name: "usreview",
            dependencies: [
                "Dataset", "Metrics", "Enhancer", "Statistics", "TerminalGraphics", "ReaderStudy",
                "ReviewTUI", "UntrustedText", "Figures",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(
            name: "DatasetTests",
            dependencies: ["Dataset", "Metrics"],
            resources: [.copy("Fixtures")]
        ),
        .testTarget(
            name: "EnhancerTests",
            dependencies: ["Enhancer", "Dataset"],
            resources: [.copy("Fixtures")]
        ),
        .testTarget(name: "ReviewTUITests", dependencies: ["ReviewTUI", "Dataset", "TerminalGraphics", "ReaderStudy", "UntrustedText"]),
        .testTarget(name: "TerminalGraphicsTests", dependencies: ["TerminalGraphics", "Dataset"],
                    resources: [.copy("Fixtures")]),
        .testTarget(
            name: "ReaderStudyTests",
            dependencies: ["ReaderStudy", "Dataset", "Enhancer", "Statistics", "UntrustedText", .product(name: "GRDB", package: "GRDB.swift")]
        ),
        .testTarget(name: "UntrustedTextTests", dependencies: ["UntrustedText"]),
        .testTarget(name: "FiguresTests", dependencies: ["Figures"]),
        .testTarget(name: "StatisticsTests", dependencies: ["Statistics"], resources: [.copy("Fixtures")]),
        .testTarget(
            name: "MetricsTests",
            dependencies: ["Metrics", "Dataset", "Enhancer", "UntrustedText"],
            resources: [.copy("Fixtures")]
        ),
    ]
)
