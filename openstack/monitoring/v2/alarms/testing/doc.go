// alarms unit tests
package testing
