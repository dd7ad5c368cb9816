using CultureNet.Engine.Cohort;
using CultureNet.Engine.IO;
using CultureNet.Engine.Reports.Scores;
using ScottPlot;

namespace CultureNet.Engine.Figures;

/// <summary>
/// Writes the Fig. 3 analyses as PNG files (each atomically) into a folder; a figure whose settings were not run is
/// skipped. Culture C0 is drawn dashed grey and C1 solid green, as in the paper.
/// </summary>
public static class Fig3Figures
{
    public const int Width = 900, Height = 560;

    public static IReadOnlyList<string> WriteAll(string folder, IReadOnlyList<ChildScore> perChild, CohortMetadata cohort, bool synthetic)
    {
        Directory.CreateDirectory(folder);
        var written = new List<string>();
        string mark = synthetic ? " (SYNTHETIC data)" : "";

        void Curves(string file, IReadOnlyList<Curve> curves, string title, string xLabel)
        {
            if (curves.Count == 0) return;
            var plot = new Plot();
            foreach (var curve in curves)
            {
                var line = plot.Add.Scatter(curve.Points.Select(p => p.X).ToArray(), curve.Points.Select(p => p.MeanPcPercent).ToArray());
                line.LegendText = CultureLabels.Code(curve.Culture);
                line.Color = CultureColor(curve.Culture);
                line.LinePattern = curve.Culture == 0 ? LinePattern.Dashed : LinePattern.Solid;
                line.LineWidth = 2;
                line.MarkerSize = 7;
            }
            plot.Title(title + mark);
            plot.XLabel(xLabel);
            plot.YLabel("mean PC over children [%]");
            plot.ShowLegend(Alignment.LowerRight);
            written.Add(Save(plot, Path.Combine(folder, file)));
        }

        Curves("fig3_m1_children.png", Fig3Data.PcVsTrainingChildren(perChild, cohort),
            "M1: PC vs number of training children", "training children");
        Curves("fig3_m1_data.png", Fig3Data.PcVsTrainingDataPercent(perChild),
            "M1: PC vs share of each training child's data", "data of each training child [%]");
        Curves("fig3_m6_data.png", Fig3Data.PcVsTargetDataPercent(perChild),
            "M6: PC vs share of the target child's data", "target child's data used for training [%]");

        foreach (byte culture in cohort.Cultures)
        {
            var comparison = Fig3Data.M4VersusM7(perChild, culture);
            if (comparison.Count > 0)
            {
                var plot = new Plot();
                var bars = new List<Bar>();
                for (int i = 0; i < comparison.Count; i++)
                {
                    if (!double.IsNaN(comparison[i].M4PcPercent))
                        bars.Add(new Bar { Position = i - 0.2, Value = comparison[i].M4PcPercent, Size = 0.4, FillColor = Colors.Gray });
                    if (!double.IsNaN(comparison[i].M7PcPercent))
                        bars.Add(new Bar { Position = i + 0.2, Value = comparison[i].M7PcPercent, Size = 0.4, FillColor = Colors.Green });
                }
                plot.Add.Bars(bars);
                ChildTicks(plot, comparison.Select(c => c.Child).ToArray());
                plot.Legend.ManualItems.Add(new LegendItem { LabelText = "M4 (SI, CultureNet)", FillColor = Colors.Gray });
                plot.Legend.ManualItems.Add(new LegendItem { LabelText = "M7 (SD, personalised)", FillColor = Colors.Green });
                plot.ShowLegend(Alignment.UpperRight);
                plot.Title($"{CultureLabels.Code(culture)}: per-child PC, sorted by M7{mark}");
                plot.XLabel("child");
                plot.YLabel("PC [%] (mean over runs)");
                written.Add(Save(plot, Path.Combine(folder, $"fig3_m4_m7_{CultureLabels.Code(culture)}.png")));
            }

            // Box plots in the same child order as the M4/M7 figure (child id order when M4/M7 were not run).
            var order = comparison.Count > 0 ? comparison.Select(c => c.Child).ToArray() : cohort.ChildrenOf(culture).ToArray();
            var boxPlot = new Plot();
            var boxes = order.Select((child, i) =>
            {
                var b = Fig3Data.LabelsOf(cohort, child);
                return new Box { Position = i, BoxMin = b.Q1, BoxMax = b.Q3, BoxMiddle = b.Median, WhiskerMin = b.Min, WhiskerMax = b.Max, Width = 0.6 };
            }).ToArray();
            var added = boxPlot.Add.Boxes(boxes);
            ChildTicks(boxPlot, order);
            boxPlot.Title($"{CultureLabels.Code(culture)}: engagement labels per child{mark}");
            boxPlot.XLabel("child");
            boxPlot.YLabel("label");
            boxPlot.Axes.SetLimitsY(-1.1, 1.1);
            written.Add(Save(boxPlot, Path.Combine(folder, $"fig3_labels_{CultureLabels.Code(culture)}.png")));
        }
        return written;
    }

    private static Color CultureColor(byte culture) => culture == 0 ? Colors.Gray : Colors.Green;

    private static void ChildTicks(Plot plot, IReadOnlyList<ChildId> children)
    {
        var ticks = new ScottPlot.TickGenerators.NumericManual();
        for (int i = 0; i < children.Count; i++) ticks.AddMajor(i, children[i].Child.ToString(System.Globalization.CultureInfo.InvariantCulture));
        plot.Axes.Bottom.TickGenerator = ticks;
    }

    private static string Save(Plot plot, string path)
    {
        var bytes = plot.GetImageBytes(Width, Height, ImageFormat.Png);
        AtomicFile.Write(path, s => s.Write(bytes));
        return path;
    }
}
