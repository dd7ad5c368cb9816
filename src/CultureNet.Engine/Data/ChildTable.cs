using CultureNet.Engine.Cohort;
using System.Buffers.Binary;

namespace CultureNet.Engine.Data;

/// <summary>Encodes/decodes the 32-byte child table entries (see <see cref="StoreLayout"/>).</summary>
internal static class ChildTable
{
    public static void Write(Span<byte> entry, in ChildBlock child, ulong featureHash)
    {
        entry[..StoreLayout.ChildEntryBytes].Clear();
        entry[0] = child.Culture;
        BinaryPrimitives.WriteInt32LittleEndian(entry[4..], child.Child);
        BinaryPrimitives.WriteInt64LittleEndian(entry[8..], child.StartRow);
        BinaryPrimitives.WriteInt32LittleEndian(entry[16..], child.RowCount);
        BinaryPrimitives.WriteUInt64LittleEndian(entry[24..], featureHash);
    }

    public static (ChildBlock Child, ulong FeatureHash) Read(ReadOnlySpan<byte> entry) => (
        new ChildBlock(entry[0], BinaryPrimitives.ReadInt32LittleEndian(entry[4..]),
            BinaryPrimitives.ReadInt64LittleEndian(entry[8..]), BinaryPrimitives.ReadInt32LittleEndian(entry[16..])),
        BinaryPrimitives.ReadUInt64LittleEndian(entry[24..]));
}
