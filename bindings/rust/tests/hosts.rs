//! The Rust host: Rust arrays handed to gridstats (a C library written
//! for CPython's API, bindings/c/gridstats.c) and changed in place,
//! gridstats' grids read without a copy, refusals, and exports given back
//! exactly once.

use minibuf::{ffi, flags, request, take_error, with_slice, with_slice_mut, Buffer, Object};
use std::os::raw::c_int;

#[link(name = "gridstats")]
extern "C" {
    fn gridstats_sum(exporter: *mut ffi::PyObject, sum: *mut f64) -> c_int;
    fn gridstats_scale(exporter: *mut ffi::PyObject, factor: f64) -> c_int;
    fn gridstats_new_grid(rows: isize, cols: isize) -> *mut ffi::PyObject;
}

fn sum(object: &Object) -> f64 {
    let mut total = 0.0;
    assert_eq!(unsafe { gridstats_sum(object.as_ptr(), &mut total) }, 0);
    total
}

#[test]
fn py_buffer_mirror_matches_the_library() {
    assert!(minibuf::layout_matches());
}

#[test]
fn a_strided_vec_crosses_into_c_and_is_changed_in_place() {
    // Every other column of a 3x4 array: a 3x2 view.
    let data: Vec<f64> = (0..12).map(f64::from).collect();
    let address = data.as_ptr();
    let matrix = Object::from_array2(data, [3, 2], [4, 2]).unwrap();
    assert_eq!(matrix.type_name(), "minibuf.hostarray");
    assert_eq!(sum(&matrix), 0.0 + 2.0 + 4.0 + 6.0 + 8.0 + 10.0);
    assert_eq!(unsafe { gridstats_scale(matrix.as_ptr(), 10.0) }, 0);
    let view = matrix.buffer(flags::FULL_RO).unwrap();
    assert_eq!(view.as_ptr() as *const f64, address); // no copy
    assert_eq!(view.shape(), &[3, 2]);
    assert_eq!(view.strides(), Some(&[32isize, 16][..]));
    assert_eq!(view.to_vec::<f64>().unwrap(), vec![0.0, 20.0, 40.0, 60.0, 80.0, 100.0]);
    assert_eq!(view.get::<f64>(&[2, 1]).unwrap(), Some(100.0));
    assert_eq!(view.get::<f64>(&[3, 0]).unwrap(), None);
    assert!(view.as_slice::<f64>().is_err());
}

#[test]
fn a_borrowed_slice_is_changed_in_place() {
    let mut data = [1.0f64, 2.0, 3.0];
    with_slice_mut(&mut data, |object| {
        assert_eq!(sum(object), 6.0);
        assert_eq!(unsafe { gridstats_scale(object.as_ptr(), 2.0) }, 0);
    });
    assert_eq!(data, [2.0, 4.0, 6.0]);
    // Read-only: writers are refused with the protocol's message.
    with_slice(&data, |object| {
        assert_eq!(unsafe { gridstats_scale(object.as_ptr(), 2.0) }, -1);
        assert_eq!(take_error().unwrap().message, "hostarray is not writable");
        let error = object.buffer(flags::WRITABLE).unwrap_err();
        assert_eq!(error.to_string(), "BufferError: hostarray is not writable");
    });
}

#[test]
fn c_grids_are_read_without_a_copy() {
    let grid = unsafe { Object::from_new_reference(gridstats_new_grid(3, 4)) }.unwrap();
    let view = grid.buffer(flags::FULL_RO).unwrap();
    assert_eq!(view.format(), Some("d"));
    assert!(view.readonly());
    let items = view.as_slice::<f64>().unwrap();
    assert_eq!(items.len(), 12);
    assert_eq!(items[11], 11.0);
    let again = grid.buffer(request("C_CONTIGUOUS").unwrap()).unwrap();
    assert_eq!(again.as_ptr(), view.as_ptr());
    assert!(again.format().is_none());
    drop(again);
    // A view holds the exporter: it outlives the object it came from.
    drop(grid);
    assert_eq!(view.get::<f64>(&[2, 3]).unwrap(), Some(11.0));
    let grid = unsafe { Object::from_new_reference(gridstats_new_grid(2, 2)) }.unwrap();
    let error = grid.buffer(flags::FULL).unwrap_err();
    assert_eq!((error.kind.as_str(), error.message.as_str()), ("BufferError", "Grid is read-only"));
}

#[test]
fn exports_are_given_back_once_after_their_last_view() {
    let data = vec![1u8, 2, 3];
    let object = Object::from_vec(data).unwrap();
    let memoryview = object.memoryview().unwrap();
    assert_eq!(object.ref_count(), 2);
    let copy = object.clone();
    drop(object);
    assert_eq!(copy.ref_count(), 2);
    drop(copy);
    // The memoryview's view keeps the vector alive.
    let view = Buffer::new(&memoryview, flags::SIMPLE).unwrap();
    assert_eq!(view.as_slice::<u8>().unwrap(), &[1, 2, 3]);
}

#[test]
fn wrong_items_and_layouts_are_errors() {
    let grid = unsafe { Object::from_new_reference(gridstats_new_grid(1, 2)) }.unwrap();
    let view = grid.buffer(flags::FULL_RO).unwrap();
    let error = view.to_vec::<i32>().unwrap_err();
    assert_eq!(error.message, "items of format 'd' are not i32");
    let error = Object::from_array2(vec![0i16; 5], [2, 3], [3, 1]).err().unwrap();
    assert_eq!(error.message, "the layout reaches outside the data");
    let ints = Object::from_vec(vec![1i32, 2]).unwrap();
    let mut total = 0.0;
    assert_eq!(unsafe { gridstats_sum(ints.as_ptr(), &mut total) }, -1);
    let error = take_error().unwrap();
    assert_eq!(error.to_string(), "TypeError: gridstats: expected items of format 'd', got 'i'");
    assert!(take_error().is_none());
    let error = request("BOGUS").unwrap_err();
    assert_eq!(error.to_string(), "ValueError: unknown request: 'BOGUS'");
}

#[test]
fn backwards_strides_reach_the_same_items() {
    // Rows in reverse: item (0, 0) is data[4], the lowest is data[0].
    let data: Vec<i64> = (0..6).collect();
    let object = Object::from_array2(data, [3, 2], [-2, 1]).unwrap();
    let view = object.buffer(flags::STRIDES | flags::FORMAT).unwrap();
    assert_eq!(view.to_vec::<i64>().unwrap(), vec![4, 5, 2, 3, 0, 1]);
}
