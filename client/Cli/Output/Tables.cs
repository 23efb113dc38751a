using Spectre.Console;
using Spectre.Console.Rendering;

namespace Orleans.AsyncInvoke.Cli.Output;

/// <summary>Tables whose cells are plain text: values from the silo are never read as Spectre markup.</summary>
internal static class Tables
{
    public static Table Create(params string[] columns)
    {
        var table = new Table().Border(TableBorder.Rounded);
        foreach (var column in columns)
        {
            table.AddColumn(new TableColumn(new Text(column)));
        }

        return table;
    }

    public static Table Row(this Table table, params string[] cells)
    {
        table.AddRow(cells.Select(c => (IRenderable)new Text(c)).ToArray());
        return table;
    }

    /// <summary>Two columns, name and value, for a summary.</summary>
    public static Grid Pairs(IEnumerable<(string Name, string Value)> pairs)
    {
        var grid = new Grid().AddColumn(new GridColumn().NoWrap()).AddColumn();
        foreach (var (name, value) in pairs)
        {
            grid.AddRow(new Text(name, new Style(decoration: Decoration.Bold)), new Text(value));
        }

        return grid;
    }
}
