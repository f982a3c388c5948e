//! Arrow data from Python through the Arrow PyCapsule interface: pyarrow Tables,
//! RecordBatches and RecordBatchReaders, polars frames and anything else exposing
//! `__arrow_c_stream__` or `__arrow_c_array__`. The batches are handed over as C
//! structures, without copying and without touching a Python object per row; the
//! engine reads them column by column.

use std::ffi::CStr;

use arrow_array::ffi::{FFI_ArrowArray, FFI_ArrowSchema, from_ffi};
use arrow_array::ffi_stream::{FFI_ArrowArrayStream, RecordBatchStreamReader};
use arrow_array::{RecordBatch, StructArray};
use arrow_schema::ArrowError;
use pyo3::prelude::*;
use pyo3::types::{PyCapsule, PyCapsuleMethods, PyTuple};

use crate::error::type_error;

/// Record batches, read lazily (and without the GIL) by the engine.
pub type Batches = Box<dyn Iterator<Item = Result<RecordBatch, ArrowError>> + Send>;

/// Whether `value` speaks the Arrow PyCapsule interface.
pub fn is_arrow(value: &Bound<'_, PyAny>) -> PyResult<bool> {
    Ok(value.hasattr("__arrow_c_stream__")? || value.hasattr("__arrow_c_array__")?)
}

fn pointer<T>(capsule: &Bound<'_, PyAny>, name: &CStr) -> PyResult<*mut T> {
    let capsule = capsule
        .cast::<PyCapsule>()
        .map_err(|_| type_error("the Arrow PyCapsule interface returned something that is not a capsule"))?;
    Ok(capsule.pointer_checked(Some(name))?.as_ptr().cast::<T>())
}

/// The batches of an object exposing the Arrow PyCapsule interface.
pub fn batches(value: &Bound<'_, PyAny>) -> PyResult<Batches> {
    if value.hasattr("__arrow_c_stream__")? {
        let capsule = value.call_method0("__arrow_c_stream__")?;
        let stream = pointer::<FFI_ArrowArrayStream>(&capsule, c"arrow_array_stream")?;
        // SAFETY: the capsule holds a valid stream (the interface's contract); it is
        // moved out and the capsule's copy left released, so its destructor is a no-op.
        let reader = unsafe { RecordBatchStreamReader::from_raw(stream) }
            .map_err(|e| type_error(format!("cannot read the Arrow stream: {e}")))?;
        return Ok(Box::new(reader));
    }
    let pair = value.call_method0("__arrow_c_array__")?;
    let pair = pair
        .cast::<PyTuple>()
        .map_err(|_| type_error("__arrow_c_array__ must return a (schema, array) pair of capsules"))?;
    let schema = pointer::<FFI_ArrowSchema>(&pair.get_item(0)?, c"arrow_schema")?;
    let array = pointer::<FFI_ArrowArray>(&pair.get_item(1)?, c"arrow_array")?;
    // SAFETY: both capsules are valid per the interface; the array is moved out (its
    // capsule left released) and the schema only borrowed while the capsule lives.
    let data = unsafe {
        let array = FFI_ArrowArray::from_raw(array);
        from_ffi(array, &*schema)
    }
    .map_err(|e| type_error(format!("cannot read the Arrow array: {e}")))?;
    if !matches!(data.data_type(), arrow_schema::DataType::Struct(_)) {
        return Err(type_error(format!(
            "an Arrow array of records must be a struct (a record batch), got {}",
            data.data_type()
        )));
    }
    // Row-level nulls of the struct itself are not records: a batch has none.
    let (fields, columns, _nulls) = StructArray::from(data).into_parts();
    let batch = RecordBatch::try_new(std::sync::Arc::new(arrow_schema::Schema::new(fields)), columns);
    Ok(Box::new(std::iter::once(batch)))
}
