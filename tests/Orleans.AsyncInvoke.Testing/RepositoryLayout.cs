namespace Orleans.AsyncInvoke.Testing;

/// <summary>Where the repository and the current build's outputs are, found from the test assembly's directory.</summary>
public static class RepositoryLayout
{
    /// <summary>The repository root (the directory holding <c>Orleans.AsyncInvoke.sln</c>).</summary>
    public static string Root { get; } = FindRoot();

    /// <summary>The build configuration the tests run in (<c>Release</c>, <c>Debug</c>).</summary>
    public static string Configuration { get; } = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name;

    /// <summary>The target framework folder (<c>net10.0</c>).</summary>
    public static string Framework { get; } = new DirectoryInfo(AppContext.BaseDirectory).Name;

    /// <summary>The build output directory of a project, e.g. <c>samples/client-quickstart</c>.</summary>
    public static string Output(string project) => Path.Combine(Root, project, "bin", Configuration, Framework);

    private static string FindRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Orleans.AsyncInvoke.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new DirectoryNotFoundException("Orleans.AsyncInvoke.sln not found above the test assembly.");
    }
}
