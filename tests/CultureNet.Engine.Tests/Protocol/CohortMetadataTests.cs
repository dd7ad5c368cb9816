using CultureNet.Engine.Cohort;

namespace CultureNet.Engine.Tests.Protocol;

public class CohortMetadataTests
{
    [Fact]
    public void Children_cultures_and_ranges_come_from_the_columns()
    {
        var cohort = TestCohorts.Reference(frames: 20);
        Assert.Equal(new byte[] { 0, 1 }, cohort.Cultures);
        Assert.Equal(30, cohort.Children.Count);
        Assert.Equal(TestCohorts.ReferenceC1, cohort.ChildrenOf(1).Select(c => c.Child));
        var range = cohort.RangeOf(new ChildId(1, 2));
        Assert.Equal(new RowRange(15 * 20, 20), range);
        Assert.Equal(new ChildId(1, 2), cohort.ChildAt(range.Start));
        Assert.Equal(100, cohort.Frame(range.Start));
    }

    [Fact]
    public void Rows_not_grouped_by_child_are_rejected_with_the_row()
    {
        var e = Assert.Throws<CultureNetException>(() => CohortMetadata.FromColumns(
            new byte[] { 0, 0, 0, 0 }, new[] { 1, 2, 1, 1 }, new[] { 0, 0, 1, 2 }, new float[] { 0, 0, 0, 0 }, "s.store"));
        Assert.Contains("s.store", e.Message);
        Assert.Contains("row 2", e.Message);
        Assert.Contains("grouped", e.Message);
    }

    [Fact]
    public void Frames_out_of_order_are_rejected()
    {
        var e = Assert.Throws<CultureNetException>(() => CohortMetadata.FromColumns(
            new byte[] { 0, 0, 0 }, new[] { 1, 1, 1 }, new[] { 0, 5, 3 }, new float[] { 0, 0, 0 }, "s.store"));
        Assert.Contains("row 2", e.Message);
        Assert.Contains("frame 3 after frame 5", e.Message);
    }

    [Fact]
    public void Non_finite_labels_and_ragged_columns_are_rejected()
    {
        Assert.Contains("label", Assert.Throws<CultureNetException>(() => CohortMetadata.FromColumns(
            new byte[] { 0, 0 }, new[] { 1, 1 }, new[] { 0, 1 }, new[] { 0f, float.NaN }, "s")).Message);
        Assert.Contains("differ in length", Assert.Throws<CultureNetException>(() => CohortMetadata.FromColumns(
            new byte[] { 0, 0 }, new[] { 1 }, new[] { 0, 1 }, new[] { 0f, 0f }, "s")).Message);
    }
}
